using System.Diagnostics;
using System.Text;

namespace Kiln.Testing;

/// <summary>Debian's docker-registry (distribution 2.8) on 127.0.0.1, with its storage in a temp directory; killed on dispose.</summary>
public sealed class RegistryProcess : IAsyncDisposable
{
    public const string Program = "/usr/bin/docker-registry";

    private readonly Process process;
    private readonly StringBuilder log = new();

    private RegistryProcess(Process process, string directory, int port)
    {
        this.process = process;
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a registry with its storage and config in <paramref name="directory"/>. <paramref name="tlsYaml"/> is
    /// YAML appended right after the <c>http:</c> section (so indented as its <c>tls:</c> key), and
    /// <paramref name="authYaml"/> a top-level <c>auth:</c> section.
    /// </summary>
    public static async Task<RegistryProcess> StartAsync(string directory, string? tlsYaml = null, string? authYaml = null)
    {
        Tools.Require(Program);
        var port = Tools.FreePort();
        var storage = Path.Combine(directory, "storage");
        System.IO.Directory.CreateDirectory(storage);
        var config = new StringBuilder();
        config.AppendLine("version: 0.1");
        config.AppendLine("log:\n  level: info\n  accesslog:\n    disabled: true");
        config.AppendLine($"storage:\n  filesystem:\n    rootdirectory: {storage}\n  delete:\n    enabled: true");
        config.AppendLine($"http:\n  addr: 127.0.0.1:{port}\n  secret: kiln-test-secret");
        if (tlsYaml is not null)
        {
            config.AppendLine(tlsYaml);
        }

        if (authYaml is not null)
        {
            config.AppendLine(authYaml);
        }

        var configPath = Path.Combine(directory, "config.yml");
        await File.WriteAllTextAsync(configPath, config.ToString());
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(configPath);
        var process = Process.Start(start)!;
        var registry = new RegistryProcess(process, directory, port);
        process.OutputDataReceived += (_, e) => registry.Append(e.Data);
        process.ErrorDataReceived += (_, e) => registry.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Tools.WaitForPortAsync(port, () => process.HasExited, "docker-registry");
        }
        catch (InvalidOperationException e)
        {
            await registry.DisposeAsync();
            throw new InvalidOperationException($"{e.Message}\n{registry.Log}", e);
        }

        return registry;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }
}
