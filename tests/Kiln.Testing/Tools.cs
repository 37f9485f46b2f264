using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kiln.Testing;

/// <summary>Runs the real tools the tests compare against. A missing tool fails the test, on a laptop and under CI alike.</summary>
public static class Tools
{
    public static string Require(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is required by this test (installed by scripts/setup; CI installs it too)");
        }

        return path;
    }

    /// <summary>Runs <paramref name="program"/> and returns its stdout; a non-zero exit is an exception with its output.</summary>
    /// <param name="timeout">How long the tool may take; 2 minutes when null.</param>
    /// <param name="environment">Variables set for the tool on top of this process's environment.</param>
    public static async Task<string> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        string? stdin = null,
        TimeSpan? timeout = null,
        IDictionary<string, string>? environment = null)
    {
        using var process = Start(program, arguments, workingDirectory, environment, redirectInput: stdin is not null);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        return process.ExitCode == 0 ? await stdout : throw Failed(process, await stderr + await stdout);
    }

    /// <summary>
    /// Runs <paramref name="program"/> to the end on the calling thread (for tests that are not async) and returns
    /// its stdout as bytes, binary output included (<c>gzip -dc</c>); a non-zero exit is an exception with stderr.
    /// </summary>
    public static byte[] RunBytes(
        string program, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        using var process = Start(program, arguments, workingDirectory, environment, redirectInput: false);
        var stderr = process.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(stdout);
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout.ToArray() : throw Failed(process, stderr.Result);
    }

    private static Process Start(
        string program, IEnumerable<string> arguments, string? workingDirectory, IDictionary<string, string>? environment, bool redirectInput)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"required tool \"{program}\" is not installed (the tests need it, also in CI)", e);
        }
    }

    private static InvalidOperationException Failed(Process process, string output) =>
        new($"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)} exited {process.ExitCode}: {output}");

    /// <summary>A port nothing listens on right now: for a server to start on, or for connection-refused tests.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port, Func<bool> hasExited, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (hasExited())
            {
                throw new InvalidOperationException($"{what} exited before listening");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException($"{what} did not listen on 127.0.0.1:{port} within 20 s");
    }
}
