using System.Diagnostics;

namespace Kiln.Content.Tests.Store;

/// <summary>Real tools the tests run as separate processes. They are installed here and in CI, so a missing one fails.</summary>
internal static class Tool
{
    public static string Require(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            var path = System.IO.Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        Assert.Fail($"{name} is required for this test (install it; scripts/setup does)");
        return name;
    }

    /// <summary>Starts <c>flock</c>(1) holding a lock on <paramref name="path"/> until <paramref name="release"/> exists.</summary>
    public static Process HoldLock(string path, bool exclusive, string release, string acquired)
    {
        var start = new ProcessStartInfo(Require("flock"))
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
