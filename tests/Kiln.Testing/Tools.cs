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
    public static async Task<string> RunAsync(
        string program, IEnumerable<string> arguments, string? workingDirectory = null, string? stdin = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }

        return await stdout;
    }

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
