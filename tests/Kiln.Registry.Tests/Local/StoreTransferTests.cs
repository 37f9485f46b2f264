using System.Collections.Concurrent;
using System.Text.Json;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Registry.Local;
using Kiln.Registry.Tests.Infrastructure;

namespace Kiln.Registry.Tests.Local;

/// <summary>Pull into and push from the real content store, against docker-registry, with skopeo as the independent check.</summary>
public sealed class StoreTransferTests(PlainRegistryFixture fixture) : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private const string Skopeo = "/usr/bin/skopeo";
    private static readonly RegistryOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50) };

    private readonly TempDirectory root = new();

    public void Dispose() => root.Dispose();

    private ImageStore OpenStore(string name = "store") => ImageStore.Open(ContentStore.Open(new StoreRoot(Path.Combine(root.Path, name))));

    private ImageReference Ref(string repositoryAndTag) => ImageReference.Parse($"{fixture.Registry.Host}/{repositoryAndTag}");

    [Fact]
    public async Task Pull_stores_every_blob_names_the_image_and_a_second_pull_downloads_nothing()
    {
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        var image = await TestImage.CreateAsync("store-pull", layers: 3);
        await image.PushAsync(client, "local/pull", "v1");
        var images = OpenStore();
        var progress = new Recorder();

        var first = await new StorePuller(images, client).PullAsync(Ref("local/pull:v1"), null, progress, CancellationToken.None);

        // The config and three layers; the manifest is written by itself, last.
        Assert.Equal(4, first.Downloaded);
        Assert.False(first.UpToDate);
        Assert.Equal(image.Manifest.Digest, first.RepoDigest);
        Assert.Null(first.Image.Index);
        foreach (var (digest, bytes) in image.Blobs)
        {
            Assert.Equal(bytes, await images.Content.ReadAllBytesAsync(digest, long.MaxValue, CancellationToken.None));
        }

        var loaded = await images.LoadAsync($"{fixture.Registry.Host}/local/pull:v1", CancellationToken.None);
        Assert.Equal(image.Config.Digest, loaded.Resolved.Id);
        Assert.Equal(3, progress.Of(BlobTransferState.Downloaded).Count(p => p.IsLayer));
        Assert.Empty(Directory.EnumerateFileSystemEntries(images.Content.Root.IngestPath));

        var again = new Recorder();
        var second = await new StorePuller(images, client).PullAsync(Ref("local/pull:v1"), null, again, CancellationToken.None);
        Assert.Equal(0, second.Downloaded);
        Assert.True(second.UpToDate);
        Assert.Equal(3, again.Of(BlobTransferState.AlreadyExists).Count(p => p.IsLayer));
        Assert.Empty(again.Of(BlobTransferState.Started));
    }

    [Fact]
    public async Task Pull_by_digest_names_the_image_by_that_digest()
    {
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        var image = await TestImage.CreateAsync("store-digest", layers: 1);
        await image.PushAsync(client, "local/digest", "v1");
        var images = OpenStore();
        var reference = ImageReference.Parse($"{fixture.Registry.Host}/local/digest@{image.Manifest.Digest}");

        var result = await new StorePuller(images, client).PullAsync(reference, null, null, CancellationToken.None);

        Assert.Equal(reference, result.Image.Name);
        var resolved = await images.ResolveAsync($"{fixture.Registry.Host}/local/digest@{image.Manifest.Digest}", CancellationToken.None);
        Assert.Equal(image.Config.Digest, resolved.Id);
    }

    [Fact]
    public async Task Pull_of_an_index_picks_the_host_or_the_asked_platform_and_keeps_the_index()
    {
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        var index = await PlatformIndex.PushAsync(client, "local/multi", "v1", "linux/amd64", "linux/arm64", "linux/arm/v7");
        var images = OpenStore();
        var puller = new StorePuller(images, client);

        var host = await puller.PullAsync(Ref("local/multi:v1"), null, null, CancellationToken.None);
        var hostKey = OciPlatform.Host.Architecture == "arm64" ? "linux/arm64" : "linux/amd64";
        Assert.Equal(index.Manifests[hostKey].Digest, host.Image.Manifest.Digest);
        Assert.Equal(index.Index.Digest, host.RepoDigest);
        Assert.True(images.Content.Exists(index.Index.Digest), "the index is kept for the repo digest");

        var armv7 = await puller.PullAsync(Ref("local/multi:v1"), OciPlatform.Parse("linux/arm/v7"), null, CancellationToken.None);
        Assert.Equal(index.Manifests["linux/arm/v7"].Digest, armv7.Image.Manifest.Digest);
        Assert.Equal(OciPlatform.Parse("linux/arm/v7"), armv7.Platform);
        Assert.False(armv7.UpToDate);
    }

    [Fact]
    public async Task A_platform_the_index_lacks_is_refused_naming_the_ones_it_has()
    {
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        await PlatformIndex.PushAsync(client, "local/two", "v1", "linux/amd64", "linux/arm64");
        var images = OpenStore();

        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            new StorePuller(images, client).PullAsync(Ref("local/two:v1"), OciPlatform.Parse("linux/s390x"), null, CancellationToken.None));

        Assert.Contains("linux/s390x", e.Message, StringComparison.Ordinal);
        Assert.Contains("linux/amd64", e.Message, StringComparison.Ordinal);
        Assert.Contains("linux/arm64", e.Message, StringComparison.Ordinal);
        Assert.Empty(await images.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_single_image_of_another_platform_is_refused_when_a_platform_is_asked_for()
    {
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        var image = await TestImage.CreateAsync("store-single", layers: 1);
        await image.PushAsync(client, "local/single", "v1");

        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            new StorePuller(OpenStore(), client).PullAsync(Ref("local/single:v1"), OciPlatform.Parse("linux/riscv64"), null, CancellationToken.None));

        Assert.Contains("wanted linux/riscv64, actual: linux/amd64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_tag_names_the_registry_error()
    {
        using var client = new RegistryClient(fixture.Registry.Host, Fast);

        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            new StorePuller(OpenStore(), client).PullAsync(Ref("local/nothing:here"), null, null, CancellationToken.None));

        Assert.Contains("MANIFEST_UNKNOWN", e.Message, StringComparison.Ordinal);
        Assert.Contains(fixture.Registry.Host, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_from_the_store_is_seen_by_skopeo_with_the_same_digest_and_a_sibling_repository_mounts()
    {
        Tools.Require(Skopeo);
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        var image = await TestImage.CreateAsync("store-push", layers: 2);
        await image.PushAsync(client, "local/origin", "v1");
        var images = OpenStore();
        await new StorePuller(images, client).PullAsync(Ref("local/origin:v1"), null, null, CancellationToken.None);
        await images.TagAsync($"{fixture.Registry.Host}/local/origin:v1", Ref("local/copy:v2"), CancellationToken.None);

        var progress = new Recorder();
        var pushed = await new StorePusher(images, client).PushAsync($"{fixture.Registry.Host}/local/copy:v2", Ref("local/copy:v2"), progress, CancellationToken.None);

        Assert.Equal(image.Manifest.Digest, pushed.Root.Digest);
        Assert.Equal(new[] { "local/origin" }, pushed.MountFrom.ToArray());
        Assert.Equal(3, pushed.Mounted);
        Assert.Equal(0, pushed.Uploaded);
        Assert.Empty(progress.Of(BlobTransferState.Uploaded));
        var inspect = await Tools.RunAsync(Skopeo, ["inspect", "--tls-verify=false", $"docker://{fixture.Registry.Host}/local/copy:v2"]);
        Assert.Equal(image.Manifest.Digest.ToString(), JsonDocument.Parse(inspect).RootElement.GetProperty("Digest").GetString());
    }

    [Fact]
    public async Task A_local_plain_tar_layer_is_pushed_gzipped_and_a_second_push_compresses_and_uploads_nothing()
    {
        Tools.Require(Skopeo);
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        var images = OpenStore();
        var imported = await ImportAsync(images, Ref("local/plain:v1"));
        Assert.Equal(MediaTypes.OciLayer, imported.Layer.MediaType);

        var pushed = await new StorePusher(images, client).PushAsync($"{fixture.Registry.Host}/local/plain:v1", Ref("local/plain:v1"), null, CancellationToken.None);

        Assert.NotEqual(imported.Manifest.Digest, pushed.Root.Digest);
        Assert.Equal(2, pushed.Uploaded);
        using var raw = JsonDocument.Parse(await Tools.RunAsync(Skopeo, ["inspect", "--raw", "--tls-verify=false", $"docker://{fixture.Registry.Host}/local/plain:v1"]));
        var layer = raw.RootElement.GetProperty("layers")[0];
        Assert.Equal(MediaTypes.OciLayerGzip, layer.GetProperty("mediaType").GetString());
        Assert.Equal(pushed.Layers[0].Digest.ToString(), layer.GetProperty("digest").GetString());
        using var config = JsonDocument.Parse(await Tools.RunAsync(Skopeo, ["inspect", "--config", "--tls-verify=false", $"docker://{fixture.Registry.Host}/local/plain:v1"]));
        Assert.Equal(imported.Layer.DiffId.ToString(), config.RootElement.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString());

        // skopeo fetches the gzip blob; decompressed, it is the local tar byte for byte.
        var copy = Path.Combine(root.Path, "copy");
        await Tools.RunAsync(Skopeo, ["copy", "--src-tls-verify=false", $"docker://{fixture.Registry.Host}/local/plain:v1", $"dir:{copy}"]);
        await using (var gzip = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(copy, pushed.Layers[0].Digest.Encoded)), System.IO.Compression.CompressionMode.Decompress))
        {
            Assert.Equal(imported.Layer.DiffId.Encoded, Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(gzip)));
        }

        var gzipPath = images.Content.Root.BlobPath(pushed.Layers[0].Digest);
        var written = File.GetLastWriteTimeUtc(gzipPath);
        var again = await new StorePusher(images, client).PushAsync($"{fixture.Registry.Host}/local/plain:v1", Ref("local/plain:v1"), null, CancellationToken.None);
        Assert.Equal(pushed.Root.Digest, again.Root.Digest);
        Assert.Equal(0, again.Uploaded);
        Assert.Equal(written, File.GetLastWriteTimeUtc(gzipPath));
    }

    /// <summary>A one-file rootfs imported as <c>kiln import</c> does, which keeps its layer as plain tar.</summary>
    private static async Task<Kiln.Content.Archives.ImportResult> ImportAsync(ImageStore images, ImageReference name)
    {
        using var tar = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "hello.txt")
            {
                DataStream = new MemoryStream("hello from a plain layer\n"u8.ToArray()),
                ModificationTime = DateTimeOffset.UnixEpoch,
            };
            writer.WriteEntry(entry);
        }

        tar.Position = 0;
        var request = new Kiln.Content.Archives.ImportRequest(name, new OciPlatform("amd64", "linux"), new ContainerConfig(), "hello.tar", OciTimestamp.FromUnixSeconds(1_700_000_000));
        return await Kiln.Content.Archives.RootfsImporter.ImportAsync(images, tar, request, CancellationToken.None);
    }

    [Fact]
    public async Task Push_uploads_from_the_store_when_no_local_name_gives_a_mount_source()
    {
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        var image = await TestImage.CreateAsync("store-upload", layers: 2);
        await image.PushAsync(client, "local/upload-src", "v1");
        var images = OpenStore();
        await new StorePuller(images, client).PullAsync(Ref("local/upload-src:v1"), null, null, CancellationToken.None);

        // localhost:PORT is the same registry under another name: no local name is on it, so nothing is mounted.
        using var other = new RegistryClient($"localhost:{fixture.Registry.Port}", Fast);
        var progress = new Recorder();
        var pushed = await new StorePusher(images, other).PushAsync(
            $"{fixture.Registry.Host}/local/upload-src:v1", ImageReference.Parse($"localhost:{fixture.Registry.Port}/fresh/upload:v1"), progress, CancellationToken.None);

        Assert.Equal(image.Manifest.Digest, pushed.Root.Digest);
        Assert.Empty(pushed.MountFrom);
        Assert.Equal(3, pushed.Uploaded);
        Assert.Equal(image.Blobs.Keys.Select(d => d.ToString()).Order(StringComparer.Ordinal), pushed.UploadedBlobs.Select(d => d.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(2, progress.Of(BlobTransferState.Uploaded).Count(p => p.IsLayer));
        var raw = await client.GetManifestAsync("fresh/upload", "v1", CancellationToken.None);
        Assert.Equal(image.ManifestBytes, raw.Content.ToArray());
    }

    [Fact]
    public async Task An_index_whose_every_platform_is_local_is_pushed_as_the_same_index()
    {
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        var index = await PlatformIndex.PushAsync(client, "local/both", "v1", "linux/amd64", "linux/arm64");
        var images = OpenStore();
        var puller = new StorePuller(images, client);
        await puller.PullAsync(Ref("local/both:v1"), OciPlatform.Parse("linux/arm64"), null, CancellationToken.None);
        var partial = await new StorePusher(images, client).PushAsync($"{fixture.Registry.Host}/local/both:v1", Ref("local/half:v1"), null, CancellationToken.None);
        Assert.Equal(index.Manifests["linux/arm64"].Digest, partial.Root.Digest);
        Assert.Equal(index.Index.Digest, partial.IncompleteIndex?.Digest);

        await puller.PullAsync(Ref("local/both:v1"), OciPlatform.Parse("linux/amd64"), null, CancellationToken.None);
        var whole = await new StorePusher(images, client).PushAsync($"{fixture.Registry.Host}/local/both:v1", Ref("local/whole:v1"), null, CancellationToken.None);

        Assert.Equal(index.Index.Digest, whole.Root.Digest);
        Assert.Null(whole.IncompleteIndex);
        Assert.Equal(index.Index.Digest, (await client.HeadManifestAsync("local/whole", "v1", CancellationToken.None))!.Digest);
    }

    [Fact]
    public async Task A_corrupt_blob_in_the_store_fails_the_push_naming_it_and_the_registry_never_gets_it()
    {
        using var client = new RegistryClient(fixture.Registry.Host, Fast with { MaxAttempts = 1 });
        var image = await TestImage.CreateAsync("store-corrupt", layers: 1);
        await image.PushAsync(client, "local/corrupt-src", "v1");
        var images = OpenStore();
        await new StorePuller(images, client).PullAsync(Ref("local/corrupt-src:v1"), null, null, CancellationToken.None);
        var layer = image.Layers[0];
        var path = images.Content.Root.BlobPath(layer.Digest);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);

        // Another host name for the same registry: no mount source, so the layer must be uploaded from the store.
        using var other = new RegistryClient($"localhost:{fixture.Registry.Port}", Fast with { MaxAttempts = 1 });
        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            new StorePusher(images, other).PushAsync($"{fixture.Registry.Host}/local/corrupt-src:v1", ImageReference.Parse($"localhost:{fixture.Registry.Port}/local/corrupt-dst:v1"), null, CancellationToken.None));

        Assert.Contains(layer.Digest.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", e.Message, StringComparison.Ordinal);
        Assert.Null(await client.HeadManifestAsync("local/corrupt-dst", "v1", CancellationToken.None));
    }

    [Fact]
    public async Task The_sink_refuses_bytes_that_do_not_match_and_leaves_nothing_behind()
    {
        var images = OpenStore();
        var bytes = "the real blob"u8.ToArray();
        var descriptor = new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256Of(bytes), bytes.Length);
        var sink = new ContentStoreBlobSink(images.Content);

        var writer = await sink.BeginWriteAsync(descriptor, CancellationToken.None);
        await using (writer)
        {
            await writer.Stream.WriteAsync("the fake blob"u8.ToArray());
            await Assert.ThrowsAsync<DigestMismatchException>(() => writer.CommitAsync(CancellationToken.None).AsTask());
        }

        Assert.False(await sink.ContainsAsync(descriptor, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFileSystemEntries(images.Content.Root.IngestPath));

        var abandoned = await sink.BeginWriteAsync(descriptor, CancellationToken.None);
        await abandoned.Stream.WriteAsync(bytes.AsMemory(0, 4));
        await abandoned.DisposeAsync();
        Assert.False(images.Content.Exists(descriptor.Digest));
        Assert.Empty(Directory.EnumerateFileSystemEntries(images.Content.Root.IngestPath));
    }

    [Fact]
    public async Task The_source_refuses_a_blob_whose_size_differs_from_its_descriptor()
    {
        var images = OpenStore();
        var blob = await images.Content.WriteAsync("twelve bytes"u8.ToArray(), CancellationToken.None);
        var source = new ContentStoreBlobSource(images.Content);

        await Assert.ThrowsAsync<InvalidDataException>(() => source.OpenReadAsync(new Descriptor(MediaTypes.OciLayerGzip, blob.Digest, 13), CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<BlobNotFoundException>(() => source.OpenReadAsync(new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256Of("absent"u8), 6), CancellationToken.None).AsTask());
    }

    private sealed class Recorder : IProgress<BlobProgress>
    {
        private readonly ConcurrentQueue<BlobProgress> events = new();

        public void Report(BlobProgress value) => events.Enqueue(value);

        public IEnumerable<BlobProgress> Of(BlobTransferState state) => events.Where(e => e.State == state);
    }
}
