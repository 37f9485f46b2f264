namespace Kiln.Registry.Tests.Infrastructure;

/// <summary>Set-up 3: plain http registry with Bearer token auth from <see cref="TokenServer"/>.</summary>
public sealed class TokenRegistryFixture : IAsyncLifetime
{
    private readonly string root = TempDirectory.Create();
    private RegistryProcess? registry;
    private TokenServer? tokens;

    internal RegistryProcess Registry => registry ?? throw new InvalidOperationException("not started");

    internal TokenServer Tokens => tokens ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var openssl = Tools.Require("/usr/bin/openssl");
        var d = root;
        await Tools.RunAsync(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "token.key", "-out", "token.crt", "-days", "2", "-subj", "/CN=Kiln test token issuer"], d);
        tokens = TokenServer.Start(Path.Combine(d, "token.crt"), Path.Combine(d, "token.key"));
        registry = await RegistryProcess.StartAsync(
            d,
            authYaml: $"auth:\n  token:\n    realm: {tokens.Realm}\n    service: {TokenServer.Service}\n    issuer: {TokenServer.Issuer}\n    rootcertbundle: {d}/token.crt");
    }

    public async Task DisposeAsync()
    {
        if (registry is not null)
        {
            await registry.DisposeAsync();
        }

        if (tokens is not null)
        {
            await tokens.DisposeAsync();
        }

        TempDirectory.Delete(root);
    }
}
