namespace Kiln.Runtime.Linux.Tests;

public sealed class SnapshotDurabilityTests
{
    /// <summary>
    /// An unpacked layer is on disk before it gets its name: a power loss must leave no snapshot rather than one with
    /// holes. On ext4, a file whose data is still only in the page cache shows a "delalloc" extent in FIEMAP.
    /// </summary>
    [Fact]
    public async Task An_unpacked_layer_is_on_disk_when_its_snapshot_appears()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        // The check reads ext4's FIEMAP flags: the temp directory is on ext4 here and in CI.
        Assert.Equal("ext2/ext3", Tool.Run("stat", "-f", "-c", "%T", store.Path).Trim());

        var image = await store.LoadAsync();
        var diffId = Assert.Single(image.Config.Value.RootFs.DiffIds);
        using (await store.Snapshots.AcquireAsync(store.Content, image.Manifest.Value.Layers, image.Config.Value.RootFs.DiffIds, CancellationToken.None))
        {
            var extents = Tool.Run("filefrag", "-v", Path.Combine(store.Snapshots.LayerDirectory(diffId), "bin", "busybox"));

            Assert.Contains("eof", extents, StringComparison.Ordinal);
            Assert.DoesNotContain("delalloc", extents, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A step's upper becomes its layer's snapshot only once synced: its overlay is volatile, so the unmount leaves
    /// the data in the page cache, and the commit's syncfs writes it.
    /// </summary>
    [Fact]
    public async Task A_steps_upper_is_on_disk_when_it_becomes_a_snapshot()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        Assert.Equal("ext2/ext3", Tool.Run("stat", "-f", "-c", "%T", store.Path).Trim());
        Kiln.Content.Compression.LayerBlob layer;
        using (var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync()))
        {
            var result = await SandboxHarness.RunAsync(sandbox, "crun", SandboxHarness.Shell("head -c 2000000 /dev/urandom > /big"));
            Assert.Equal(0, result.ExitCode);
            layer = await sandbox.CommitAsync(store.Content, null, CancellationToken.None);
        }

        var extents = Tool.Run("filefrag", "-v", Path.Combine(store.Snapshots.LayerDirectory(layer.DiffId), "big"));
        Assert.Contains("eof", extents, StringComparison.Ordinal);
        Assert.DoesNotContain("delalloc", extents, StringComparison.Ordinal);
    }
}
