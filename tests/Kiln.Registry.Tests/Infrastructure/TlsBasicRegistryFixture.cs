namespace Kiln.Registry.Tests.Infrastructure;

/// <summary>Set-up 2: https with a CA made by openssl for this run, and htpasswd (bcrypt) basic auth.</summary>
public sealed class TlsBasicRegistryFixture : IAsyncLifetime
{
    public const string User = "bob";
    public const string Password = "builder-pass";

    private readonly string root = TempDirectory.Create();
    private RegistryProcess? registry;

    internal RegistryProcess Registry => registry ?? throw new InvalidOperationException("not started");

    public string CaFile => Path.Combine(root, "ca.crt");

    public async Task InitializeAsync()
    {
        var openssl = Tools.Require("/usr/bin/openssl");
        var htpasswd = Tools.Require("/usr/bin/htpasswd");
        var d = root;
        await Tools.RunAsync(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=Kiln test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d);
        await Tools.RunAsync(openssl, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"], d);
        await File.WriteAllTextAsync(Path.Combine(d, "server.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
        await Tools.RunAsync(openssl, ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.crt", "-days", "2", "-extfile", "server.ext"], d);
        var line = await Tools.RunAsync(htpasswd, ["-Bbn", User, Password]);
        await File.WriteAllTextAsync(Path.Combine(d, "htpasswd"), line.Trim() + "\n");
        registry = await RegistryProcess.StartAsync(
            d,
            tlsYaml: $"  tls:\n    certificate: {d}/server.crt\n    key: {d}/server.key",
            authYaml: $"auth:\n  htpasswd:\n    realm: kiln-test\n    path: {d}/htpasswd");
    }

    public async Task DisposeAsync()
    {
        if (registry is not null)
        {
            await registry.DisposeAsync();
        }

        TempDirectory.Delete(root);
    }
}
