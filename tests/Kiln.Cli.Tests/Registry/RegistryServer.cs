namespace Kiln.Cli.Tests.Registry;

/// <summary>
/// Debian's docker-registry on 127.0.0.1 on a free port (<see cref="RegistryProcess"/>), plain http or https (a CA
/// made by openssl for this run) with htpasswd basic auth; its storage and certificates live in a temp directory,
/// deleted on dispose. A missing tool fails the test.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "kiln-secret";

    private readonly RegistryProcess _registry;

    private RegistryServer(RegistryProcess registry)
    {
        _registry = registry;
    }

    public string Directory => _registry.Directory;

    public int Port => _registry.Port;

    public string Host => _registry.Host;

    public string CaFile => Path.Combine(Directory, "ca.crt");

    public string Log => _registry.Log;

    public static async Task<RegistryServer> StartAsync(bool tlsAndBasicAuth)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("kiln-cli-registry-").FullName;
        try
        {
            string? tls = null, auth = null;
            if (tlsAndBasicAuth)
            {
                await MakeCertificatesAsync(directory);
                var line = await Tools.RunAsync("/usr/bin/htpasswd", ["-Bbn", User, Password]);
                await File.WriteAllTextAsync(Path.Combine(directory, "htpasswd"), line.Trim() + "\n");
                tls = $"  tls:\n    certificate: {directory}/server.crt\n    key: {directory}/server.key";
                auth = $"auth:\n  htpasswd:\n    realm: kiln-cli-test\n    path: {directory}/htpasswd";
            }

            return new RegistryServer(await RegistryProcess.StartAsync(directory, tls, auth));
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
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
        var openssl = Tools.Require("/usr/bin/openssl");
        await Tools.RunAsync(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-days", "2", "-subj", "/CN=Kiln CLI test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d);
        await Tools.RunAsync(openssl, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1"], d);
        await File.WriteAllTextAsync(Path.Combine(d, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
        await Tools.RunAsync(openssl, ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
            "-days", "2", "-extfile", "server.ext"], d);
    }
}
