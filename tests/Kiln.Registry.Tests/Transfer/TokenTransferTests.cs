using Kiln.Registry.Credentials;
using Kiln.Registry.Tests.Infrastructure;
using Kiln.Registry.Transfer;

namespace Kiln.Registry.Tests.Transfer;

public sealed class TokenTransferTests(TokenRegistryFixture fixture) : IClassFixture<TokenRegistryFixture>
{
    [Fact]
    public async Task Push_and_pull_through_bearer_tokens_with_parallel_layers()
    {
        using var directory = new TempDirectory();
        var image = await TestImage.CreateAsync("token-transfer", layers: 5);
        var store = new DirectoryBlobStore(directory.Path);
        foreach (var (digest, bytes) in image.Blobs)
        {
            store.Add(digest, bytes);
        }

        store.Add(image.Manifest.Digest, image.ManifestBytes);
        using (var pusher = new RegistryClient(fixture.Registry.Host, new RegistryOptions(), new StaticCredentialSource(new RegistryCredential(TokenServer.User, TokenServer.Password))))
        {
            var pushed = await new ImagePusher(pusher).PushAsync(store, image.Manifest, "kiln/token-transfer", "v1", [], CancellationToken.None);
            Assert.Equal(6, pushed.Uploaded);
        }

        using var target = new TempDirectory();
        using var anonymous = new RegistryClient(fixture.Registry.Host);
        var pulled = await new ImagePuller(anonymous).PullAsync("kiln/token-transfer", "v1", null, new DirectoryBlobStore(target.Path), CancellationToken.None);
        Assert.Equal(image.Manifest.Digest, pulled.Manifest.Descriptor.Digest);
        Assert.Equal(6, pulled.Downloaded);
        Assert.Equal(1, anonymous.TokenRequests);
    }
}
