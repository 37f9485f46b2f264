using System.Diagnostics;
using System.Text;

namespace Kiln.Content.Tests.Support;

/// <summary>Runs the real tools a user would use (GNU tar, gzip, zstd, skopeo, umoci, setfattr, flock...) as separate processes.</summary>
internal static class Tool
{
    /// <summary>Runs <paramref name="tool"/> in the current directory; returns its standard output; fails with its standard error.</summary>
    public static string Run(string tool, params string[] arguments) => RunBytes(tool, arguments).Output;

    /// <summary>Like <see cref="Run"/>, in <paramref name="workingDirectory"/>.</summary>
    public static string RunIn(string workingDirectory, string tool, params string[] arguments) =>
        RunBytes(tool, arguments, workingDirectory).Output;

    /// <summary>Runs a tool and returns its standard output as text and as bytes (for binary output such as <c>gzip -dc</c>).</summary>
    public static (string Output, byte[] Bytes) RunBytes(
        string tool, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var bytes = Tools.RunBytes(Prerequisites.RequireTool(tool), arguments, workingDirectory, environment);
        return (Encoding.UTF8.GetString(bytes), bytes);
    }

    /// <summary>Starts <c>flock</c>(1) holding a lock on <paramref name="path"/> until <paramref name="release"/> exists.</summary>
    public static Process HoldLock(string path, bool exclusive, string release, string acquired)
    {
        var start = new ProcessStartInfo(Prerequisites.RequireTool("flock"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(exclusive ? "-x" : "-s");
        start.ArgumentList.Add(path);
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"touch '{acquired}'; while [ ! -e '{release}' ]; do sleep 0.05; done");
        var process = Process.Start(start)!;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(acquired))
        {
            Assert.True(DateTime.UtcNow < deadline, "flock(1) did not take the lock within 20 s");
            if (process.HasExited)
            {
                Assert.Fail("flock(1) exited: " + process.StandardError.ReadToEnd());
            }

            Thread.Sleep(20);
        }

        return process;
    }
}
