using System.Net;
using System.Text;
using Kiln.Oci;
using Kiln.Registry.Tests.Infrastructure;

namespace Kiln.Registry.Tests.Client;

public sealed class PlainRegistryTests(PlainRegistryFixture fixture) : IClassFixture<PlainRegistryFixture>
{
    private RegistryClient Client(RegistryOptions? options = null, string? host = null) =>
        new(host ?? fixture.Registry.Host, options ?? new RegistryOptions { InitialBackoff = TimeSpan.FromMilliseconds(20) });

    [Fact]
    public async Task Ping_chooses_http_for_a_loopback_registry_without_tls()
    {
        using var client = Client();
        await client.PingAsync(CancellationToken.None);
        Assert.Equal("http", (await client.GetBaseUriAsync(CancellationToken.None)).Scheme);
    }

    [Fact]
    public async Task Pushed_blobs_and_manifest_come_back_byte_for_byte()
    {
        using var client = Client();
        var image = await TestImage.CreateAsync("roundtrip");
        await image.PushAsync(client, "kiln/roundtrip", "v1");

        var manifest = await client.GetManifestAsync("kiln/roundtrip", "v1", CancellationToken.None);
        Assert.Equal(image.Manifest.Digest, manifest.Descriptor.Digest);
        Assert.Equal(MediaTypes.OciManifest, manifest.Descriptor.MediaType);
        Assert.Equal(image.ManifestBytes, manifest.Content.ToArray());

        var head = await client.HeadManifestAsync("kiln/roundtrip", "v1", CancellationToken.None);
        Assert.Equal(image.Manifest.Digest, head!.Digest);
        Assert.Equal(image.Manifest.Size, head.Size);

        foreach (var layer in image.Layers)
        {
            Assert.Equal(layer.Size, await client.HeadBlobAsync("kiln/roundtrip", layer.Digest, CancellationToken.None));
            using var into = new MemoryStream();
            await client.GetBlobAsync("kiln/roundtrip", layer, into, CancellationToken.None);
            Assert.Equal(image.Blobs[layer.Digest], into.ToArray());
        }
    }

    [Fact]
    public async Task Chunked_upload_honours_the_chunk_size_and_the_registry_accepts_it()
    {
        using var client = Client(new RegistryOptions { UploadChunkSize = 1000 });
        var blob = new byte[4500];
        new Random(7).NextBytes(blob);
        var descriptor = new Descriptor(MediaTypes.OciLayer, Digest.Sha256Of(blob), blob.Length);
        using (var source = new MemoryStream(blob))
        {
            await client.UploadBlobAsync("kiln/chunked", descriptor, source, CancellationToken.None);
        }

        using var into = new MemoryStream();
        await client.GetBlobAsync("kiln/chunked", descriptor, into, CancellationToken.None);
        Assert.Equal(blob, into.ToArray());
    }

    [Fact]
    public async Task Chunked_upload_goes_through_patch_requests_of_the_chosen_size()
    {
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        using var client = Client(new RegistryOptions { UploadChunkSize = 1024 }, proxy.Host);
        var blob = Encoding.UTF8.GetBytes(new string('k', 3000));
        var descriptor = new Descriptor(MediaTypes.OciLayer, Digest.Sha256Of(blob), blob.Length);
        using (var source = new MemoryStream(blob))
        {
            await client.UploadBlobAsync("kiln/patches", descriptor, source, CancellationToken.None);
        }

        Assert.Equal(3, proxy.Seen.Count(r => r.Method == "PATCH"));
        Assert.Equal(1, proxy.Seen.Count(r => r.Method == "PUT" && r.Path.Contains("digest=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Mount_links_a_blob_from_another_repository()
    {
        using var client = Client();
        var image = await TestImage.CreateAsync("mount", layers: 1);
        await image.PushAsync(client, "kiln/mount-source", "v1");
        var layer = image.Layers[0];
        Assert.Null(await client.HeadBlobAsync("kiln/mount-target", layer.Digest, CancellationToken.None));
        Assert.True(await client.MountBlobAsync("kiln/mount-target", layer.Digest, "kiln/mount-source", CancellationToken.None));
        Assert.Equal(layer.Size, await client.HeadBlobAsync("kiln/mount-target", layer.Digest, CancellationToken.None));
        var missing = Digest.Sha256Of("not there"u8);
        Assert.False(await client.MountBlobAsync("kiln/mount-target", missing, "kiln/mount-source", CancellationToken.None));
    }

    [Fact]
    public async Task Missing_manifest_names_the_registry_error_code()
    {
        using var client = Client();
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("kiln/absent", "nope", CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.True(error.HasCode("MANIFEST_UNKNOWN"), error.Message);
        Assert.Contains("MANIFEST_UNKNOWN", error.Message, StringComparison.Ordinal);
        Assert.Null(await client.HeadManifestAsync("kiln/absent", "nope", CancellationToken.None));
    }

    [Fact]
    public async Task Upload_with_a_wrong_digest_is_refused_with_the_registry_code()
    {
        using var client = Client();
        var blob = "real bytes"u8.ToArray();
        var lie = new Descriptor(MediaTypes.OciLayer, Digest.Sha256Of("other bytes"u8), blob.Length);
        using var source = new MemoryStream(blob);
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.UploadBlobAsync("kiln/lies", lie, source, CancellationToken.None));
        Assert.True(error.HasCode("DIGEST_INVALID"), error.Message);
    }

    [Fact]
    public async Task A_blob_whose_bytes_do_not_match_the_descriptor_is_rejected_on_download()
    {
        using var client = Client();
        var image = await TestImage.CreateAsync("mismatch", layers: 1);
        await image.PushAsync(client, "kiln/mismatch", "v1");
        var layer = image.Layers[0];
        using var into = new MemoryStream();
        var shorter = layer with { Size = layer.Size - 1 };
        await Assert.ThrowsAsync<RegistryException>(() => client.GetBlobAsync("kiln/mismatch", shorter, into, CancellationToken.None));
    }

    [Theory]
    [InlineData("../etc", "v1")]
    [InlineData("Kiln/Upper", "v1")]
    [InlineData("kiln/ok", "bad/tag")]
    [InlineData("kiln/ok", "-dash")]
    public async Task Names_that_do_not_fit_the_grammar_never_reach_the_wire(string repository, string reference)
    {
        using var client = Client();
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetManifestAsync(repository, reference, CancellationToken.None));
    }
}
