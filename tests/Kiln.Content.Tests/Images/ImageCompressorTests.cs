using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Content.Tests.Support;
using Kiln.Oci;

namespace Kiln.Content.Tests.Images;

public sealed class ImageCompressorTests : IDisposable
{
    private readonly TempRoot _temp = new();
    private readonly ContentStore _content;
    private readonly ImageStore _images;

    public ImageCompressorTests()
    {
        _content = _temp.Open();
        _images = ImageStore.Open(_content);
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken None => CancellationToken.None;

    private async Task<ImageManifest> ManifestAsync(Descriptor descriptor) =>
        OciDocuments.ParseManifest(await _content.ReadAllBytesAsync(descriptor.Digest, ImageStore.MaxDocumentSize, None)).Value;

    private string GunzipDigest(Digest blob) =>
        "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            Tool.RunBytes("gzip", ["-dc", _content.Root.BlobPath(blob)]).Bytes));

    [Fact]
    public async Task Plain_layers_become_gzip_blobs_that_decompress_to_the_diff_id_and_the_config_stays()
    {
        var image = await ImageSeeder.SeedAsync(_content, 1, layers: 2, plainLayers: true);

        var compressed = await ImageCompressor.CompressLayersAsync(_content, image.Manifest, None);

        Assert.NotEqual(image.Manifest.Digest, compressed.Digest);
        Assert.Equal(MediaTypes.OciManifest, compressed.MediaType);
        var manifest = await ManifestAsync(compressed);
        Assert.Equal(image.Config, manifest.Config);
        Assert.Equal(2, manifest.Layers.Length);
        for (var i = 0; i < 2; i++)
        {
            var layer = manifest.Layers[i];
            Assert.Equal(MediaTypes.OciLayerGzip, layer.MediaType);
            Assert.Equal(_content.Info(layer.Digest)!.Size, layer.Size);
            Tool.Run("gzip", "-t", _content.Root.BlobPath(layer.Digest));
            Assert.Equal(image.Layers[i].Digest.ToString(), GunzipDigest(layer.Digest));
        }

        // The local image is untouched: it still names its plain layers.
        Assert.All((await ManifestAsync(image.Manifest)).Layers, l => Assert.Equal(MediaTypes.OciLayer, l.MediaType));
    }

    [Fact]
    public async Task Compressing_again_reuses_the_remembered_blob_and_a_swept_blob_is_made_again_with_the_same_bytes()
    {
        var image = await ImageSeeder.SeedAsync(_content, 2, layers: 1, plainLayers: true);
        var first = await ImageCompressor.CompressLayersAsync(_content, image.Manifest, None);
        var gzip = (await ManifestAsync(first)).Layers[0].Digest;
        var record = ImageCompressor.RecordPath(_content.Root, image.Layers[0].Digest);
        Assert.True(File.Exists(record));
        var written = File.GetLastWriteTimeUtc(_content.Root.BlobPath(gzip));

        await Task.Delay(20);
        var second = await ImageCompressor.CompressLayersAsync(_content, image.Manifest, None);
        Assert.Equal(first, second);
        Assert.Equal(written, File.GetLastWriteTimeUtc(_content.Root.BlobPath(gzip)));

        Assert.True(await _content.DeleteAsync(gzip, None));
        var third = await ImageCompressor.CompressLayersAsync(_content, image.Manifest, None);
        Assert.Equal(first, third);
        Assert.True(_content.Exists(gzip));
    }

    [Fact]
    public async Task Pushes_that_compress_the_same_layer_at_once_agree()
    {
        var image = await ImageSeeder.SeedAsync(_content, 8, layers: 2, plainLayers: true);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => ImageCompressor.CompressLayersAsync(_content, image.Manifest, None))));

        Assert.All(results, r => Assert.Equal(results[0], r));
        foreach (var layer in (await ManifestAsync(results[0])).Layers)
        {
            Assert.Equal(_content.Info(layer.Digest)!.Size, layer.Size);
        }

        Assert.Empty(Directory.GetFiles(_content.Root.IngestPath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(ImageCompressor.RecordPath(_content.Root, image.Layers[0].Digest))!, "*.tmp"));
    }

    [Fact]
    public async Task A_damaged_record_is_ignored_and_rewritten()
    {
        var image = await ImageSeeder.SeedAsync(_content, 3, layers: 1, plainLayers: true);
        var record = ImageCompressor.RecordPath(_content.Root, image.Layers[0].Digest);
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        await File.WriteAllTextAsync(record, $"{image.Config.Digest} 12\n");

        var compressed = await ImageCompressor.CompressLayersAsync(_content, image.Manifest, None);

        var layer = (await ManifestAsync(compressed)).Layers[0];
        Assert.Equal(image.Layers[0].Digest.ToString(), GunzipDigest(layer.Digest));
        Assert.Equal($"{layer.Digest} {layer.Size}\n", await File.ReadAllTextAsync(record));
    }

    [Fact]
    public async Task A_corrupt_plain_layer_fails_naming_it_and_leaves_no_record_and_no_temp_file()
    {
        var image = await ImageSeeder.SeedAsync(_content, 7, layers: 1, plainLayers: true);
        var path = _content.Root.BlobPath(image.Layers[0].Digest);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);

        var e = await Assert.ThrowsAsync<BlobCorruptException>(() => ImageCompressor.CompressLayersAsync(_content, image.Manifest, None));

        Assert.Contains(image.Layers[0].Digest.ToString(), e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(ImageCompressor.RecordPath(_content.Root, image.Layers[0].Digest)));
        Assert.Empty(Directory.GetFiles(_content.Root.IngestPath));
    }

    [Fact]
    public async Task An_image_with_compressed_layers_only_is_returned_as_it_is()
    {
        var image = await ImageSeeder.SeedAsync(_content, 4, withIndex: true);

        Assert.Equal(image.Manifest, await ImageCompressor.CompressLayersAsync(_content, image.Manifest, None));
        Assert.Equal(image.Index, await ImageCompressor.CompressLayersAsync(_content, image.Index!, None));
    }

    [Fact]
    public async Task An_index_is_rewritten_to_list_the_compressed_manifest_with_its_platform()
    {
        var image = await ImageSeeder.SeedAsync(_content, 5, layers: 1, withIndex: true, plainLayers: true);

        var compressed = await ImageCompressor.CompressLayersAsync(_content, image.Index!, None);

        Assert.Equal(MediaTypes.OciIndex, compressed.MediaType);
        var index = OciDocuments.ParseIndex(await _content.ReadAllBytesAsync(compressed.Digest, ImageStore.MaxDocumentSize, None)).Value;
        var child = Assert.Single(index.Manifests);
        Assert.Equal(new OciPlatform("amd64", "linux"), child.Platform);
        Assert.Equal(MediaTypes.OciLayerGzip, Assert.Single((await ManifestAsync(child)).Layers).MediaType);
        Assert.Equal(await ImageCompressor.CompressLayersAsync(_content, image.Manifest, None) with { Platform = child.Platform }, child);
    }

    [Fact]
    public async Task Prune_sweeps_the_compressed_copies_of_a_named_image_and_forgets_them()
    {
        var image = await ImageSeeder.SeedAsync(_content, 6, layers: 1, plainLayers: true);
        await _images.SetAsync(ImageReference.Parse("plain"), image.Manifest, null, None);
        var compressed = await ImageCompressor.CompressLayersAsync(_content, image.Manifest, None);
        var gzip = (await ManifestAsync(compressed)).Layers[0].Digest;

        await _images.PruneAsync(null, wait: true, None);

        Assert.False(_content.Exists(compressed.Digest));
        Assert.False(_content.Exists(gzip));
        Assert.False(File.Exists(ImageCompressor.RecordPath(_content.Root, image.Layers[0].Digest)));
        Assert.True(_content.Exists(image.Layers[0].Digest));
        Assert.True(_content.Exists(image.Manifest.Digest));
    }
}
