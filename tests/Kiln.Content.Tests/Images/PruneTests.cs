using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Content.Tests.Support;

namespace Kiln.Content.Tests.Images;

public sealed class PruneTests : IDisposable
{
    private readonly TempRoot _temp = new();
    private readonly ContentStore _content;
    private readonly ImageStore _images;

    public PruneTests()
    {
        _content = _temp.Open();
        _images = ImageStore.Open(_content);
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken None => CancellationToken.None;

    private sealed class FixedRoots(params Digest[] roots) : IPruneRoots
    {
        public Task<IReadOnlyCollection<Digest>> GetRootsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyCollection<Digest>>(roots);
    }

    private static IEnumerable<Digest> All(ImageSeeder.Seeded image) =>
        new[] { image.Manifest.Digest, image.Config.Digest }.Concat(image.Layers.Select(l => l.Digest)).Concat(image.Index is null ? [] : [image.Index.Digest]);

    [Fact]
    public async Task Keeps_referenced_blobs_and_removes_the_rest()
    {
        var kept = await ImageSeeder.SeedAsync(_content, 1, withIndex: true);
        var dropped = await ImageSeeder.SeedAsync(_content, 2);
        var stray = await _content.WriteAsync("stray"u8.ToArray(), None);
        await _images.SetAsync(ImageReference.Parse("kept"), kept.Manifest, kept.Index, None);

        var result = await _images.PruneAsync(null, wait: true, None);

        Assert.NotNull(result);
        Assert.All(All(kept), d => Assert.True(_content.Exists(d), $"{d} is referenced and must stay"));
        Assert.All(All(dropped).Append(stray.Digest), d => Assert.False(_content.Exists(d), $"{d} is unreferenced and must go"));
        Assert.Equal(All(dropped).Append(stray.Digest).Select(d => d.ToString()).Order(), result.RemovedBlobs.Select(b => b.Digest.ToString()).Order());
        Assert.Equal(result.RemovedBlobs.Sum(b => b.Size), result.BytesFreed);
        Assert.Equal(kept.Config.Digest, (await _images.LoadAsync("kept", None)).Config.Digest);
    }

    [Fact]
    public async Task An_index_root_keeps_its_manifests_and_their_blobs()
    {
        var image = await ImageSeeder.SeedAsync(_content, 3, withIndex: true);

        await _images.PruneAsync(new FixedRoots(image.Index!.Digest), wait: true, None);

        Assert.All(All(image), d => Assert.True(_content.Exists(d)));
    }

    [Fact]
    public async Task Extra_roots_keep_plain_blobs_and_manifests()
    {
        var pinnedManifest = await ImageSeeder.SeedAsync(_content, 4);
        var pinnedLayer = await _content.WriteAsync("{ not json"u8.ToArray(), None);
        var unpinned = await _content.WriteAsync("bye"u8.ToArray(), None);

        await _images.PruneAsync(new FixedRoots(pinnedManifest.Manifest.Digest, pinnedLayer.Digest), wait: true, None);

        Assert.All(All(pinnedManifest), d => Assert.True(_content.Exists(d)));
        Assert.True(_content.Exists(pinnedLayer.Digest));
        Assert.False(_content.Exists(unpinned.Digest));
    }

    [Fact]
    public async Task Untagging_the_last_name_lets_prune_remove_the_image()
    {
        var image = await ImageSeeder.SeedAsync(_content, 5);
        await _images.SetAsync(ImageReference.Parse("app"), image.Manifest, null, None);
        await _images.TagAsync("app", ImageReference.Parse("app:v2"), None);

        await _images.RemoveAsync("app", force: false, None);
        await _images.PruneAsync(null, wait: true, None);
        Assert.All(All(image), d => Assert.True(_content.Exists(d)));

        await _images.RemoveAsync("app:v2", force: false, None);
        await _images.PruneAsync(null, wait: true, None);
        Assert.All(All(image), d => Assert.False(_content.Exists(d)));
    }

    [Fact]
    public async Task A_damaged_named_manifest_stops_prune_before_anything_is_removed()
    {
        var image = await ImageSeeder.SeedAsync(_content, 6);
        var stray = await _content.WriteAsync("stray"u8.ToArray(), None);
        await _images.SetAsync(ImageReference.Parse("app"), image.Manifest, null, None);
        File.WriteAllBytes(_temp.Root.BlobPath(image.Manifest.Digest), "{\"broken\": true}"u8.ToArray());

        await Assert.ThrowsAnyAsync<Exception>(() => _images.PruneAsync(null, wait: true, None));

        Assert.True(_content.Exists(stray.Digest));
        Assert.All(image.Layers, l => Assert.True(_content.Exists(l.Digest)));
    }

    [Fact]
    public async Task Removes_all_ingest_leftovers()
    {
        File.WriteAllText(Path.Combine(_temp.Root.IngestPath, "left.tmp"), "half a blob");

        var result = await _images.PruneAsync(null, wait: true, None);

        Assert.Equal(1, result!.RemovedIngestFiles);
        Assert.Equal(11, result.IngestBytes);
        Assert.Empty(Directory.GetFiles(_temp.Root.IngestPath));
    }

    [Fact]
    public async Task Does_not_wait_when_asked_not_to_and_the_store_is_busy()
    {
        using var lease = await _content.LeaseAsync(None);

        Assert.Null(await _images.PruneAsync(null, wait: false, None));
    }

    [Fact]
    public async Task Waits_for_another_process_that_uses_the_store()
    {
        var stray = await _content.WriteAsync("stray"u8.ToArray(), None);
        var release = Path.Combine(_temp.Path, "release");
        using var holder = Tool.HoldLock(_content.StoreLockPath, exclusive: false, release, Path.Combine(_temp.Path, "acquired"));

        var prune = _images.PruneAsync(null, wait: true, None);
        await Task.Delay(300);
        Assert.False(prune.IsCompleted);
        Assert.True(_content.Exists(stray.Digest));

        File.WriteAllText(release, "");
        await prune.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(_content.Exists(stray.Digest));
        await holder.WaitForExitAsync();
    }
}
