using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Cli.Tests.Run;

public sealed class PruneSnapshotTests
{
    [Fact]
    public async Task Prune_removes_snapshots_of_removed_images_and_keeps_those_of_remaining_images()
    {
        using var store = new BusyboxStore();
        var (snapshots, diffId) = await UnpackAsync(store);
        var directory = snapshots.LayerDirectory(diffId);
        Assert.True(Directory.Exists(directory));

        var whileNamed = store.Run("prune");
        Assert.Equal(0, whileNamed.ExitCode);
        Assert.True(Directory.Exists(directory), "a layer of a remaining image was swept");
        Assert.DoesNotContain("snapshot", whileNamed.Output, StringComparison.Ordinal);

        Assert.Equal(0, store.Run("rm", BusyboxStore.Image).ExitCode);
        var afterRemove = store.Run("prune");

        Assert.Equal(0, afterRemove.ExitCode);
        Assert.False(Directory.Exists(directory));
        Assert.Contains($"Deleted snapshot: {diffId}", afterRemove.Output, StringComparison.Ordinal);
        Assert.Matches(@"Deleted 1 unpacked layer snapshot\(s\), [0-9.]+ ?[kM]B", afterRemove.Output);
    }

    [Fact]
    public async Task Prune_never_removes_a_snapshot_in_use()
    {
        using var store = new BusyboxStore();
        var (snapshots, diffId) = await UnpackAsync(store);
        var images = ImageStore.Open(ContentStore.Open(StoreRoot.Resolve(store.Path)));
        var image = await images.LoadAsync(BusyboxStore.Image, default);
        using (await snapshots.AcquireAsync(images.Content, image.Manifest.Value.Layers, image.Config.Value.RootFs.DiffIds, default))
        {
            await images.RemoveAsync(BusyboxStore.Image, force: false, default);
            var prune = store.Run("prune");

            Assert.Equal(0, prune.ExitCode);
            Assert.True(Directory.Exists(snapshots.LayerDirectory(diffId)), "a layer in use was swept");
        }

        Assert.Equal(0, store.Run("prune").ExitCode);
        Assert.False(Directory.Exists(snapshots.LayerDirectory(diffId)));
    }

    [Fact]
    public async Task Prune_leaves_a_snapshot_made_moments_ago_that_a_running_build_may_not_have_named_yet_and_prune_all_does_not()
    {
        using var store = new BusyboxStore();
        var (snapshots, _) = await UnpackAsync(store);
        var step = SnapshotStore.NewName();
        var upper = Path.Combine(snapshots.Path, "tmp", "upper");
        Directory.CreateDirectory(upper);
        Assert.True(snapshots.Adopt(upper, step)); // as a step's Keep does, before its cache entry is written

        Assert.Equal(0, store.Run("prune").ExitCode);
        Assert.True(Directory.Exists(snapshots.LayerDirectory(step)), "a snapshot made moments ago was swept");

        // prune --all clears the cache a running build would use anyway: all that nobody holds goes.
        Assert.Equal(0, store.Run("prune", "--all").ExitCode);
        Assert.False(Directory.Exists(snapshots.LayerDirectory(step)));
    }

    [Fact]
    public async Task Prune_keeps_the_step_snapshot_a_remaining_images_layer_is_aliased_to()
    {
        // A layer a build exported lives on in its step's snapshot; the image keeps it through the alias.
        using var store = new BusyboxStore();
        var (snapshots, diffId) = await UnpackAsync(store);
        var step = SnapshotStore.NewName();
        Directory.Move(snapshots.LayerDirectory(diffId), snapshots.LayerDirectory(step));
        snapshots.Alias(diffId, step);

        Assert.Equal(0, store.Run("prune").ExitCode);
        Assert.True(Directory.Exists(snapshots.LayerDirectory(step)), "the snapshot of a remaining image's layer was swept");

        Assert.Equal(0, store.Run("rm", BusyboxStore.Image).ExitCode);
        Assert.Equal(0, store.Run("prune").ExitCode);
        Assert.False(Directory.Exists(snapshots.LayerDirectory(step)));
        Assert.Null(snapshots.AliasOf(diffId));
    }

    private static async Task<(SnapshotStore Snapshots, Kiln.Oci.Digest DiffId)> UnpackAsync(BusyboxStore store)
    {
        // kiln run unpacks the image's layers into the shared snapshots, as a build does.
        Assert.Equal(0, store.Run("run", "--rm", BusyboxStore.Image, "true").ExitCode);
        var root = StoreRoot.Resolve(store.Path);
        var images = ImageStore.Open(ContentStore.Open(root));
        var image = await images.LoadAsync(BusyboxStore.Image, default);
        var snapshots = SnapshotStore.Open(root);
        Age(snapshots);
        return (snapshots, Assert.Single(image.Config.Value.RootFs.DiffIds));
    }

    /// <summary>Makes every snapshot look made minutes ago: prune leaves those of the last minute alone.</summary>
    private static void Age(SnapshotStore snapshots)
    {
        foreach (var mark in Directory.GetFiles(snapshots.LayersPath, "*.boot"))
        {
            File.SetLastWriteTimeUtc(mark, DateTime.UtcNow - TimeSpan.FromMinutes(2));
        }
    }
}
