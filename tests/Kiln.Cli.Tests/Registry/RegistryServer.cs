using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kiln.Cli.Tests.Registry;

/// <summary>
/// Debian's docker-registry on 127.0.0.1 on a free port, plain http or https (a CA made by openssl for this run) with
/// htpasswd basic auth; its storage and certificates live in a temp directory. A missing tool fails the test.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "kiln-secret";

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private RegistryServer(Process process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    public string CaFile => Path.Combine(Directory, "ca.crt");

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<RegistryServer> StartAsync(bool tlsAndBasicAuth)
    {
        var registry = Tool.Require("/usr/bin/docker-registry");
        var directory = System.IO.Directory.CreateTempSubdirectory("kiln-cli-registry-").FullName;
        var port = FreePort();
        var config = new StringBuilder();
        config.AppendLine("version: 0.1");
        config.AppendLine("log:\n  level: warn\n  accesslog:\n    disabled: true");
        config.AppendLine($"storage:\n  filesystem:\n    rootdirectory: {directory}/storage\n  delete:\n    enabled: true");
        config.AppendLine($"http:\n  addr: 127.0.0.1:{port}\n  secret: kiln-cli-test");
        if (tlsAndBasicAuth)
        {
            await MakeCertificatesAsync(directory);
            var line = await Tool.RunAsync("/usr/bin/htpasswd", ["-Bbn", User, Password]);
            await File.WriteAllTextAsync(Path.Combine(directory, "htpasswd"), line.Trim() + "\n");
            config.AppendLine($"  tls:\n    certificate: {directory}/server.crt\n    key: {directory}/server.key");
            config.AppendLine($"auth:\n  htpasswd:\n    realm: kiln-cli-test\n    path: {directory}/htpasswd");
        }

        var configPath = Path.Combine(directory, "config.yml");
        await File.WriteAllTextAsync(configPath, config.ToString());
        var start = new ProcessStartInfo(registry) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(configPath);
        var process = Process.Start(start)!;
        var server = new RegistryServer(process, directory, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                var log = server.Log;
                await server.DisposeAsync();
                throw new InvalidOperationException($"docker-registry did not listen on {port}:\n{log}");
            }
        }
    }

    /// <summary>A port nothing listens on: for connection-refused tests.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task MakeCertificatesAsync(string d)
    {
        var openssl = Tool.Require("/usr/bin/openssl");
        await Tool.RunAsync(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-days", "2", "-subj", "/CN=Kiln CLI test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d);
        await Tool.RunAsync(openssl, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1"], d);
        await File.WriteAllTextAsync(Path.Combine(d, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
        await Tool.RunAsync(openssl, ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
            "-days", "2", "-extfile", "server.ext"], d);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
