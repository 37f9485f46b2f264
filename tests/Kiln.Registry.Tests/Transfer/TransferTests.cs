using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Kiln.Oci;
using Kiln.Registry.Credentials;
using Kiln.Registry.Tests.Infrastructure;
using Kiln.Registry.Transfer;

namespace Kiln.Registry.Tests.Transfer;

/// <summary>Pull and push against docker-registry, checked by skopeo, an independent client.</summary>
public sealed class TransferTests(PlainRegistryFixture fixture) : IClassFixture<PlainRegistryFixture>
{
    private const string Skopeo = "/usr/bin/skopeo";
    private static readonly RegistryOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50) };

    private static DirectoryBlobStore StoreWith(TempDirectory directory, TestImage image)
    {
        var store = new DirectoryBlobStore(directory.Path);
        foreach (var (digest, bytes) in image.Blobs)
        {
            store.Add(digest, bytes);
        }

        store.Add(image.Manifest.Digest, image.ManifestBytes);
        return store;
    }

    [Theory]
    [InlineData(MediaTypes.OciManifest)]
    [InlineData(MediaTypes.DockerManifest)]
    public async Task What_kiln_pushes_skopeo_inspects_and_copies_with_the_same_digests(string mediaType)
    {
        Tools.Require(Skopeo);
        using var directory = new TempDirectory();
        var image = await TestImage.CreateAsync("skopeo-check-" + mediaType.Length, layers: 3, manifestMediaType: mediaType);
        var store = StoreWith(directory, image);
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        var result = await new ImagePusher(client).PushAsync(store, image.Manifest, "kiln/pushed", "v1", [], CancellationToken.None);
        Assert.Equal(image.Manifest.Digest, result.Digest);
        Assert.Equal(4, result.Uploaded);

        var inspect = await Tools.RunAsync(Skopeo, ["inspect", "--tls-verify=false", $"docker://{fixture.Registry.Host}/kiln/pushed:v1"]);
        using var json = JsonDocument.Parse(inspect);
        Assert.Equal(image.Manifest.Digest.ToString(), json.RootElement.GetProperty("Digest").GetString());
        Assert.Equal(image.Layers.Select(l => l.Digest.ToString()), json.RootElement.GetProperty("Layers").EnumerateArray().Select(e => e.GetString()));

        using var copy = new TempDirectory();
        await Tools.RunAsync(Skopeo, ["--insecure-policy", "copy", "--src-tls-verify=false", "--preserve-digests",
            $"docker://{fixture.Registry.Host}/kiln/pushed:v1", $"oci:{copy.Path}:v1"]);
        foreach (var layer in image.Layers)
        {
            Assert.Equal(image.Blobs[layer.Digest], await File.ReadAllBytesAsync(Path.Combine(copy.Path, "blobs", "sha256", layer.Digest.Encoded)));
        }

        var raw = await Tools.RunAsync(Skopeo, ["inspect", "--raw", "--tls-verify=false", $"docker://{fixture.Registry.Host}/kiln/pushed:v1"]);
        Assert.Equal(Encoding.UTF8.GetString(image.ManifestBytes), raw.TrimEnd('\n'));
    }

    [Fact]
    public async Task What_skopeo_pushes_kiln_pulls_with_every_digest_verified()
    {
        Tools.Require(Skopeo);
        using var layout = new TempDirectory();
        var image = await TestImage.CreateAsync("from-skopeo", layers: 2);
        var source = StoreWith(layout, image);
        source.WriteLayout(image.Manifest, "v1");
        await Tools.RunAsync(Skopeo, ["--insecure-policy", "copy", "--dest-tls-verify=false", "--preserve-digests",
            $"oci:{layout.Path}:v1", $"docker://{fixture.Registry.Host}/kiln/from-skopeo:v1"]);
        var inspect = await Tools.RunAsync(Skopeo, ["inspect", "--tls-verify=false", $"docker://{fixture.Registry.Host}/kiln/from-skopeo:v1"]);
        var registryDigest = JsonDocument.Parse(inspect).RootElement.GetProperty("Digest").GetString();

        using var target = new TempDirectory();
        var sink = new DirectoryBlobStore(target.Path);
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        var pulled = await new ImagePuller(client).PullAsync("kiln/from-skopeo", "v1", null, sink, CancellationToken.None);
        Assert.Equal(registryDigest, pulled.Manifest.Descriptor.Digest.ToString());
        Assert.Equal(image.Manifest.Digest, pulled.Manifest.Descriptor.Digest);
        Assert.Equal(image.Layers.Select(l => l.Digest), pulled.Layers.Select(l => l.Digest));
        Assert.Equal(3, pulled.Downloaded);
        foreach (var layer in image.Layers)
        {
            Assert.Equal(image.Blobs[layer.Digest], await File.ReadAllBytesAsync(sink.PathOf(layer.Digest)));
        }

        // A second pull into the same sink finds everything there already; an ImageReference works like the strings.
        var again = await new ImagePuller(client).PullAsync(ImageReference.Parse($"{fixture.Registry.Host}/kiln/from-skopeo:v1"), null, sink, CancellationToken.None);
        Assert.Equal(0, again.Downloaded);
    }

    [Fact]
    public async Task A_multi_platform_index_is_pushed_last_and_pulled_for_the_requested_platform()
    {
        using var directory = new TempDirectory();
        var amd = await TestImage.CreateAsync("index-amd64", layers: 1);
        var arm = await TestImage.CreateAsync("index-arm64", layers: 1);
        var store = StoreWith(directory, amd);
        foreach (var (digest, bytes) in arm.Blobs)
        {
            store.Add(digest, bytes);
        }

        store.Add(arm.Manifest.Digest, arm.ManifestBytes);
        var index = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{{Entry(amd.Manifest, "amd64", null)}},{{Entry(arm.Manifest, "arm64", "v8")}}]}""");
        var indexDescriptor = new Descriptor(MediaTypes.OciIndex, Digest.Sha256Of(index), index.Length);
        store.Add(indexDescriptor.Digest, index);

        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        await new ImagePusher(client).PushAsync(store, indexDescriptor, "kiln/multi", "v1", [], CancellationToken.None);

        using var target = new TempDirectory();
        var pulled = await new ImagePuller(client).PullAsync("kiln/multi", "v1", new OciPlatform("arm64", "linux"), new DirectoryBlobStore(target.Path), CancellationToken.None);
        Assert.Equal(indexDescriptor.Digest, pulled.Root.Descriptor.Digest);
        Assert.Equal(arm.Manifest.Digest, pulled.Manifest.Descriptor.Digest);

        var missing = await Assert.ThrowsAsync<RegistryException>(() =>
            new ImagePuller(client).PullAsync("kiln/multi", "v1", new OciPlatform("s390x", "linux"), new DirectoryBlobStore(target.Path), CancellationToken.None));
        Assert.Contains("linux/arm64/v8", missing.Message, StringComparison.Ordinal);

        var raw = await Tools.RunAsync(Tools.Require(Skopeo), ["inspect", "--raw", "--tls-verify=false", $"docker://{fixture.Registry.Host}/kiln/multi:v1"]);
        Assert.Equal(Encoding.UTF8.GetString(index), raw.TrimEnd('\n'));

        static string Entry(Descriptor d, string architecture, string? variant) =>
            $$$"""{"mediaType":"{{{d.MediaType}}}","digest":"{{{d.Digest}}}","size":{{{d.Size}}},"platform":{"architecture":"{{{architecture}}}","os":"linux"{{{(variant is null ? "" : $",\"variant\":\"{variant}\"")}}}}}""";
    }

    [Fact]
    public async Task A_second_push_mounts_from_a_repository_that_has_the_blobs()
    {
        using var directory = new TempDirectory();
        var image = await TestImage.CreateAsync("mount-push", layers: 2);
        var store = StoreWith(directory, image);
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        await new ImagePusher(client).PushAsync(store, image.Manifest, "kiln/mount-a", "v1", [], CancellationToken.None);
        var second = await new ImagePusher(client).PushAsync(store, image.Manifest, "kiln/mount-b", "v1", ["kiln/mount-a"], CancellationToken.None);
        Assert.Equal(3, second.Mounted);
        Assert.Equal(0, second.Uploaded);
        var third = await new ImagePusher(client).PushAsync(store, image.Manifest, "kiln/mount-b", "v2", [], CancellationToken.None);
        Assert.Equal(3, third.AlreadyPresent);
    }

    [Fact]
    public async Task A_failed_upload_is_retried_as_a_whole_blob()
    {
        using var directory = new TempDirectory();
        var image = await TestImage.CreateAsync("upload-retry", layers: 1);
        var store = StoreWith(directory, image);
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        var closes = 0;
        proxy.Rule = r => r.Method == "PUT" && r.Path.Contains("digest=", StringComparison.Ordinal) && Interlocked.Increment(ref closes) == 1
            ? new ProxyFault.Status(500)
            : ProxyFault.Pass;
        using var client = new RegistryClient(proxy.Host, Fast with { MaxParallelBlobs = 1 });
        var result = await new ImagePusher(client).PushAsync(store, image.Manifest, "kiln/upload-retry", "v1", [], CancellationToken.None);
        Assert.Equal(2, result.Uploaded);
        Assert.Equal(3, proxy.Seen.Count(r => r.Method == "PUT" && r.Path.Contains("digest=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_manifest_whose_bytes_do_not_match_the_tag_digest_header_is_refused()
    {
        // Pull by digest of something else: the registry serves the tag's bytes only for the right digest, so ask
        // for a descriptor whose size lies instead.
        using var directory = new TempDirectory();
        var image = await TestImage.CreateAsync("lying-size", layers: 1);
        var store = StoreWith(directory, image);
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        await new ImagePusher(client).PushAsync(store, image.Manifest, "kiln/lying", "v1", [], CancellationToken.None);
        await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("kiln/lying", image.Manifest with { Size = image.Manifest.Size + 1 }, CancellationToken.None));
    }
}
