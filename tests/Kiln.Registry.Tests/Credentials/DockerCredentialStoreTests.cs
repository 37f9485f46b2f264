using System.Runtime.Versioning;
using System.Text;
using System.Text.Json.Nodes;
using Kiln.Registry.Credentials;
using Kiln.Registry.Tests.Infrastructure;

namespace Kiln.Registry.Tests.Credentials;

public sealed class DockerCredentialStoreTests : IDisposable
{
    private static readonly RegistryOptions Options = new();
    private readonly TempDirectory home = new();

    private string ConfigPath => Path.Combine(home.Path, "config.json");

    public void Dispose() => home.Dispose();

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Reads_base64_auth_with_docker_hub_key_and_url_shaped_keys()
    {
        await File.WriteAllTextAsync(ConfigPath, $$$$"""
            {"auths":{
              "https://index.docker.io/v1/":{"auth":"{{{{Base64("hubuser:hub:pass")}}}}"},
              "https://registry.example:5000/v2/":{"username":"u","password":"p"},
              "tokens.example":{"auth":"{{{{Base64("t:")}}}}","identitytoken":"refresh-me"}
            },"proxies":{"default":{"httpProxy":"x"}}}
            """);
        var store = new DockerCredentialStore(ConfigPath);
        var hub = await store.GetAsync(RegistryEndpoint.Resolve("docker.io", Options), CancellationToken.None);
        Assert.Equal(("hubuser", "hub:pass"), (hub!.Username, hub.Password));
        Assert.Equal("registry-1.docker.io", RegistryEndpoint.Resolve("docker.io", Options).ApiHost);

        var other = await store.GetAsync(RegistryEndpoint.Resolve("registry.example:5000", Options), CancellationToken.None);
        Assert.Equal(("u", "p"), (other!.Username, other.Password));

        var token = await store.GetAsync(RegistryEndpoint.Resolve("tokens.example", Options), CancellationToken.None);
        Assert.Equal("refresh-me", token!.IdentityToken);

        Assert.Null(await store.GetAsync(RegistryEndpoint.Resolve("unknown.example", Options), CancellationToken.None));
        Assert.DoesNotContain("hub:pass", hub.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_and_erase_keep_other_fields_and_use_the_hub_config_key()
    {
        await File.WriteAllTextAsync(ConfigPath, """{"auths":{"other.example":{"auth":"b3RoZXI6cGFzcw=="}},"detachKeys":"ctrl-x"}""");
        var store = new DockerCredentialStore(ConfigPath);
        var hub = RegistryEndpoint.Resolve("index.docker.io", Options);
        await store.StoreAsync(hub, new RegistryCredential("me", "secret"), CancellationToken.None);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!;
        Assert.Equal(Base64("me:secret"), config["auths"]!["https://index.docker.io/v1/"]!["auth"]!.GetValue<string>());
        Assert.Equal("ctrl-x", config["detachKeys"]!.GetValue<string>());
        Assert.NotNull(config["auths"]!["other.example"]);

        Assert.True(await store.EraseAsync(hub, CancellationToken.None));
        config = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!;
        Assert.Null(config["auths"]!["https://index.docker.io/v1/"]);
        Assert.NotNull(config["auths"]!["other.example"]);
        Assert.False(await store.EraseAsync(hub, CancellationToken.None));
    }

    [Fact]
    public async Task Corrupt_config_gives_a_clear_error()
    {
        await File.WriteAllTextAsync(ConfigPath, """{"auths":{"x.example":{"auth":"%%%not-base64"}}}""");
        var error = await Assert.ThrowsAsync<RegistryException>(async () =>
            await new DockerCredentialStore(ConfigPath).GetAsync(RegistryEndpoint.Resolve("x.example", Options), CancellationToken.None));
        Assert.Contains("base64", error.Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(ConfigPath, "{ not json");
        await Assert.ThrowsAsync<RegistryException>(async () =>
            await new DockerCredentialStore(ConfigPath).GetAsync(RegistryEndpoint.Resolve("x.example", Options), CancellationToken.None));
    }

    [Fact]
    public async Task A_helper_name_that_is_a_path_is_refused()
    {
        await File.WriteAllTextAsync(ConfigPath, """{"credsStore":"../../bin/sh"}""");
        await Assert.ThrowsAsync<RegistryException>(async () =>
            await new DockerCredentialStore(ConfigPath).GetAsync(RegistryEndpoint.Resolve("x.example", Options), CancellationToken.None));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Cred_helpers_and_creds_store_go_through_docker_credential_programs()
    {
        // A helper speaking the docker-credential-helpers protocol, keeping secrets in files next to itself.
        var bin = Path.Combine(home.Path, "bin");
        Directory.CreateDirectory(bin);
        var helper = Path.Combine(bin, "docker-credential-kilntest");
        await File.WriteAllTextAsync(helper, """
            #!/bin/sh
            dir=$(dirname "$0")
            case "$1" in
              get) read -r url; f="$dir/$(echo "$url" | tr -c 'a-zA-Z0-9' '_')"
                   if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
              store) json=$(cat); url=$(echo "$json" | sed 's/.*"ServerURL":"\([^"]*\)".*/\1/')
                   echo "$json" > "$dir/$(echo "$url" | tr -c 'a-zA-Z0-9' '_')" ;;
              erase) read -r url; rm -f "$dir/$(echo "$url" | tr -c 'a-zA-Z0-9' '_')" ;;
            esac
            """.Replace("\r", string.Empty, StringComparison.Ordinal));
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Environment.SetEnvironmentVariable("PATH", bin + ":" + Environment.GetEnvironmentVariable("PATH"));

        await File.WriteAllTextAsync(ConfigPath, """{"credHelpers":{"helped.example":"kilntest"},"auths":{"plain.example":{"auth":"YTpi"}}}""");
        var store = new DockerCredentialStore(ConfigPath);
        var helped = RegistryEndpoint.Resolve("helped.example", Options);
        Assert.Null(await store.GetAsync(helped, CancellationToken.None));
        Assert.EndsWith("docker-credential-kilntest", await store.StoreAsync(helped, new RegistryCredential("hu", "helper-secret-42"), CancellationToken.None), StringComparison.Ordinal);
        var back = await store.GetAsync(helped, CancellationToken.None);
        Assert.Equal(("hu", "helper-secret-42"), (back!.Username, back.Password));
        Assert.DoesNotContain("helper-secret-42", await File.ReadAllTextAsync(ConfigPath), StringComparison.Ordinal);

        await store.StoreAsync(helped, new RegistryCredential("ignored", string.Empty) { IdentityToken = "idt" }, CancellationToken.None);
        Assert.Equal("idt", (await store.GetAsync(helped, CancellationToken.None))!.IdentityToken);

        await store.EraseAsync(helped, CancellationToken.None);
        Assert.Null(await store.GetAsync(helped, CancellationToken.None));

        // Registries without a helper of their own still read the file.
        var plain = await store.GetAsync(RegistryEndpoint.Resolve("plain.example", Options), CancellationToken.None);
        Assert.Equal(("a", "b"), (plain!.Username, plain.Password));
    }
}
