using Kiln.Build.Cache;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Build.Tests.Cache;

public sealed class CacheStoreTests : IDisposable
{
    private static readonly OciTimestamp Created = OciTimestamp.Parse("2026-01-02T03:04:05.123456789Z");
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-cache-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task An_entry_round_trips_and_a_missing_blob_is_a_miss()
    {
        var (content, cache) = Open();
        var key = CacheKeys.ForBase(null, new OciPlatform("amd64", "linux"));
        Assert.Null(await cache.TryGetAsync(key, CancellationToken.None));

        var layer = await LayerAsync(content, "layer one");
        var snapshot = Digest.Sha256Of("snap-1"u8);
        await cache.PutAsync(new CacheEntry(key, layer, Digest.Sha256Of("diff"u8), Created) { Snapshot = snapshot, Size = layer.Size }, CancellationToken.None);
        var entry = await cache.TryGetAsync(key, CancellationToken.None);
        Assert.NotNull(entry);
        Assert.Equal((layer, Created, snapshot, layer.Size), (entry.Layer, entry.Created, entry.Snapshot, entry.Size));
        Assert.Empty(Directory.GetFiles(cache.Directory, "*.tmp"));

        await content.DeleteAsync(layer.Digest, CancellationToken.None);
        Assert.Null(await cache.TryGetAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task A_snapshot_only_entry_round_trips_and_a_version_1_entry_is_still_read()
    {
        var (content, cache) = Open();
        var key = CacheKeys.ForBase(null, new OciPlatform("amd64", "linux"));
        var snapshot = Digest.Sha256Of("snap"u8);
        await cache.PutAsync(new CacheEntry(key, null, null, Created) { Snapshot = snapshot, Size = 42 }, CancellationToken.None);
        Assert.Equal(new CacheEntry(key, null, null, Created) { Snapshot = snapshot, Size = 42 }, await cache.TryGetAsync(key, CancellationToken.None));
        Assert.Empty(await cache.GetRootsAsync(CancellationToken.None));

        var layer = await LayerAsync(content, "v1");
        var diffId = Digest.Sha256Of("d"u8);
        var v1 = $$"""{"version":1,"key":"{{key.Value}}","layer":{"mediaType":"{{layer.MediaType}}","digest":"{{layer.Digest}}","size":{{layer.Size}}},"diffId":"{{diffId}}","created":"{{Created}}"}""";
        await File.WriteAllTextAsync(Path.Combine(cache.Directory, $"sha256-{key.Value.Encoded}.json"), v1);
        Assert.Equal(new CacheEntry(key, layer, diffId, Created) { Size = layer.Size }, await cache.TryGetAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task An_entry_needs_a_blob_with_its_diffID_or_a_snapshot()
    {
        var (content, cache) = Open();
        var key = CacheKeys.ForBase(null, new OciPlatform("amd64", "linux"));
        var layer = await LayerAsync(content, "x");
        await Assert.ThrowsAsync<ArgumentException>(() => cache.PutAsync(new CacheEntry(key, null, null, Created), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => cache.PutAsync(new CacheEntry(key, layer, null, Created) { Snapshot = Digest.Sha256Of("s"u8) }, CancellationToken.None));

        // Read: an entry with neither is damaged, a miss.
        var neither = $$"""{"version":2,"key":"{{key.Value}}","size":1,"created":"{{Created}}"}""";
        await File.WriteAllTextAsync(Path.Combine(cache.Directory, $"sha256-{key.Value.Encoded}.json"), neither);
        Assert.Null(await cache.TryGetAsync(key, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"version\":2}")]
    [InlineData("{\"version\":1,\"key\":\"sha256:zz\"}")]
    public async Task A_damaged_entry_is_a_miss(string text)
    {
        var (_, cache) = Open();
        var key = CacheKeys.ForBase(null, new OciPlatform("amd64", "linux"));
        await File.WriteAllTextAsync(Path.Combine(cache.Directory, $"{key.Value.Algorithm}-{key.Value.Encoded}.json"), text);
        Assert.Null(await cache.TryGetAsync(key, CancellationToken.None));
        Assert.Empty(await cache.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_entry_under_another_key_is_a_miss()
    {
        var (content, cache) = Open();
        var key = CacheKeys.ForBase(null, new OciPlatform("amd64", "linux"));
        var other = CacheKeys.ForBase(null, new OciPlatform("arm64", "linux"));
        await cache.PutAsync(new CacheEntry(key, await LayerAsync(content, "x"), Digest.Sha256Of("d"u8), Created), CancellationToken.None);
        File.Copy(Path.Combine(cache.Directory, $"sha256-{key.Value.Encoded}.json"), Path.Combine(cache.Directory, $"sha256-{other.Value.Encoded}.json"));
        Assert.Null(await cache.TryGetAsync(other, CancellationToken.None));
    }

    [Fact]
    public async Task Prune_keeps_what_the_cache_points_at_until_the_cache_is_cleared()
    {
        var (content, cache) = Open();
        var cached = await LayerAsync(content, "cached");
        var loose = await LayerAsync(content, "loose");
        await cache.PutAsync(new CacheEntry(CacheKeys.ForBase(null, new OciPlatform("amd64", "linux")), cached, Digest.Sha256Of("d"u8), Created), CancellationToken.None);
        await cache.PutAsync(new CacheEntry(CacheKeys.ForBase(null, new OciPlatform("arm64", "linux")), null, null, Created) { Snapshot = Digest.Sha256Of("s"u8) }, CancellationToken.None);

        var images = ImageStore.Open(content);
        var result = await images.PruneAsync(cache, wait: true, CancellationToken.None);
        Assert.NotNull(result);
        Assert.True(content.Exists(cached.Digest));
        Assert.False(content.Exists(loose.Digest));

        Assert.Equal(2, await cache.ClearAsync(CancellationToken.None));
        await images.PruneAsync(cache, wait: true, CancellationToken.None);
        Assert.False(content.Exists(cached.Digest));
    }

    private (ContentStore Content, CacheStore Cache) Open()
    {
        var content = ContentStore.Open(new StoreRoot(_root));
        return (content, CacheStore.Open(content));
    }

    private static async Task<Descriptor> LayerAsync(ContentStore content, string text)
    {
        var info = await content.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), CancellationToken.None);
        return new Descriptor(MediaTypes.OciLayerGzip, info.Digest, info.Size);
    }
}
