using System.Net;
using Kiln.Registry.Credentials;
using Kiln.Registry.Tests.Infrastructure;

namespace Kiln.Registry.Tests.Client;

public sealed class TlsBasicRegistryTests(TlsBasicRegistryFixture fixture) : IClassFixture<TlsBasicRegistryFixture>
{
    private RegistryClient Client(RegistryCredential? credential, string? caFile) =>
        new(fixture.Registry.Host, new RegistryOptions { CaFile = caFile, MaxAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(10) }, new StaticCredentialSource(credential));

    [Fact]
    public async Task Https_with_the_given_CA_and_basic_auth_pushes_and_pulls()
    {
        using var client = Client(new RegistryCredential(TlsBasicRegistryFixture.User, TlsBasicRegistryFixture.Password), fixture.CaFile);
        await client.PingAsync(CancellationToken.None);
        Assert.Equal("https", (await client.GetBaseUriAsync(CancellationToken.None)).Scheme);
        var image = await TestImage.CreateAsync("tls");
        await image.PushAsync(client, "kiln/tls", "v1");
        var manifest = await client.GetManifestAsync("kiln/tls", "v1", CancellationToken.None);
        Assert.Equal(image.Manifest.Digest, manifest.Descriptor.Digest);
    }

    [Fact]
    public async Task Wrong_password_fails_with_the_registry_unauthorized_code()
    {
        using var client = Client(new RegistryCredential(TlsBasicRegistryFixture.User, "wrong"), fixture.CaFile);
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.True(error.HasCode("UNAUTHORIZED"), error.Message);
    }

    [Fact]
    public async Task Anonymous_access_is_refused_with_a_clear_error()
    {
        using var client = Client(null, fixture.CaFile);
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("kiln/tls", "v1", CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains(fixture.Registry.Host, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CA_that_did_not_sign_the_server_certificate_is_not_trusted()
    {
        using var other = new TempDirectory();
        var otherCa = Path.Combine(other.Path, "other.crt");
        await Tools.RunAsync("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", Path.Combine(other.Path, "other.key"), "-out", otherCa, "-days", "1", "-subj", "/CN=Someone else"]);

        // The registry is not loopback for this client, so https is the only choice and its certificate must verify.
        var endpoint = new RegistryEndpoint(fixture.Registry.Host, fixture.Registry.Host, IsInsecure: false);
        using var client = new RegistryClient(endpoint, new RegistryOptions { CaFile = otherCa, MaxAttempts = 2 }, StaticCredentialSource.Anonymous);
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(CancellationToken.None));
        Assert.Contains("SSL", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_checks_the_password_then_writes_docker_config_and_logout_removes_it()
    {
        using var home = new TempDirectory();
        var store = new DockerCredentialStore(Path.Combine(home.Path, "config.json"));
        var options = new RegistryOptions { CaFile = fixture.CaFile };
        await Assert.ThrowsAsync<RegistryException>(() =>
            RegistryLogin.LoginAsync(fixture.Registry.Host, new RegistryCredential(TlsBasicRegistryFixture.User, "bad"), options, store, CancellationToken.None));
        Assert.False(File.Exists(store.ConfigPath));

        await RegistryLogin.LoginAsync(fixture.Registry.Host, new RegistryCredential(TlsBasicRegistryFixture.User, TlsBasicRegistryFixture.Password), options, store, CancellationToken.None);
        var json = await File.ReadAllTextAsync(store.ConfigPath);
        Assert.Contains(fixture.Registry.Host, json, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.ConfigPath));
        }

        using (var client = new RegistryClient(fixture.Registry.Host, options, store))
        {
            await client.PingAsync(CancellationToken.None);
        }

        Assert.True(await RegistryLogin.LogoutAsync(fixture.Registry.Host, options, store, CancellationToken.None));
        Assert.Null(await store.GetAsync(RegistryEndpoint.Resolve(fixture.Registry.Host, options), CancellationToken.None));
    }
}
