using System.Net;
using Kiln.Registry.Credentials;
using Kiln.Registry.Tests.Infrastructure;

namespace Kiln.Registry.Tests.Client;

public sealed class TokenRegistryTests(TokenRegistryFixture fixture) : IClassFixture<TokenRegistryFixture>
{
    private static RegistryCredential Alice => new(TokenServer.User, TokenServer.Password);

    private RegistryClient Client(RegistryCredential? credential) =>
        new(fixture.Registry.Host, new RegistryOptions { InitialBackoff = TimeSpan.FromMilliseconds(10) }, new StaticCredentialSource(credential));

    [Fact]
    public async Task Bearer_tokens_are_fetched_once_per_scope_and_reused()
    {
        using var client = Client(Alice);
        var image = await TestImage.CreateAsync("token");
        await image.PushAsync(client, "kiln/token", "v1");
        var afterPush = client.TokenRequests;

        // Blob uploads, HEADs and the manifest PUT all share the one pull,push token.
        Assert.Equal(1, afterPush);
        var manifest = await client.GetManifestAsync("kiln/token", "v1", CancellationToken.None);
        Assert.Equal(image.Manifest.Digest, manifest.Descriptor.Digest);
        await client.GetManifestAsync("kiln/token", "v1", CancellationToken.None);
        Assert.Equal(afterPush + 1, client.TokenRequests);
        Assert.Contains("repository:kiln/token:pull,push", fixture.Tokens.ScopesSeen);
    }

    [Fact]
    public async Task Anonymous_pull_works_and_anonymous_push_is_denied_with_the_registry_code()
    {
        using (var alice = Client(Alice))
        {
            await (await TestImage.CreateAsync("anon", layers: 1)).PushAsync(alice, "kiln/anon", "v1");
        }

        using var anonymous = Client(null);
        var manifest = await anonymous.GetManifestAsync("kiln/anon", "v1", CancellationToken.None);
        Assert.NotEmpty(manifest.Content.ToArray());
        var image = await TestImage.CreateAsync("anon-push", layers: 1);
        var error = await Assert.ThrowsAsync<RegistryException>(() => image.PushAsync(anonymous, "kiln/anon", "v2"));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.True(error.HasCode("UNAUTHORIZED"), error.Message);
    }

    [Fact]
    public async Task Wrong_password_names_the_token_endpoint_failure()
    {
        using var client = Client(new RegistryCredential(TokenServer.User, "nope"));
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(CancellationToken.None));
        Assert.Contains("token request", error.Message, StringComparison.Ordinal);
        Assert.Contains("incorrect username or password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_the_registry_rejects_is_refreshed_and_the_request_retried()
    {
        using var client = Client(Alice);
        fixture.Tokens.IssueStaleTokens(1);
        await client.PingAsync(CancellationToken.None);
        Assert.Equal(2, client.TokenRequests);
    }

    [Fact]
    public async Task An_expired_token_is_refreshed_before_it_is_sent()
    {
        fixture.Tokens.ExpiresIn = 1;
        try
        {
            using var client = Client(Alice);
            await client.HeadManifestAsync("kiln/expiry", "v1", CancellationToken.None);
            await client.HeadManifestAsync("kiln/expiry", "v1", CancellationToken.None);
            var before = client.TokenRequests;
            await Task.Delay(1100);
            await client.HeadManifestAsync("kiln/expiry", "v1", CancellationToken.None);
            Assert.Equal(before + 1, client.TokenRequests);
        }
        finally
        {
            fixture.Tokens.ExpiresIn = 300;
        }
    }

    [Fact]
    public async Task Mount_across_repositories_asks_for_both_scopes()
    {
        using var client = Client(Alice);
        var image = await TestImage.CreateAsync("token-mount", layers: 1);
        await image.PushAsync(client, "kiln/token-src", "v1");
        Assert.True(await client.MountBlobAsync("kiln/token-dst", image.Layers[0].Digest, "kiln/token-src", CancellationToken.None));
        Assert.Contains("repository:kiln/token-src:pull", fixture.Tokens.ScopesSeen);
    }
}
