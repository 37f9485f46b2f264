using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kiln.Build.Tests.Export;

/// <summary>
/// Runs the independent tools the exporters are checked with (skopeo, umoci, GNU tar, docker-registry). They are
/// installed here and in CI: a missing tool fails the test, it never skips.
/// </summary>
internal static class ExternalTool
{
    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        if (!File.Exists(program))
        {
            throw new InvalidOperationException($"{program} is required by this test (CI installs it)");
        }

        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        }

        return await output;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Debian's docker-registry on 127.0.0.1 with storage under <paramref name="directory"/>; kill it when done.</summary>
    public static async Task<(Process Process, string Host)> StartRegistryAsync(string directory)
    {
        const string Program = "/usr/bin/docker-registry";
        if (!File.Exists(Program))
        {
            throw new InvalidOperationException($"{Program} is required by this test (CI installs it)");
        }

        var port = FreePort();
        var config = Path.Combine(directory, "registry.yml");
        await File.WriteAllTextAsync(config, $"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {Path.Combine(directory, "registry")}\nhttp:\n  addr: 127.0.0.1:{port}\n");
        var start = new ProcessStartInfo(Program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return (process, $"127.0.0.1:{port}");
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }
}
