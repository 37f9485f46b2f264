using System.Collections.Immutable;
using Kiln.Oci;
using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>
/// Snapshots are made without waiting for the disk and marked with the boot they were made in: after a crash and
/// reboot one may have holes, so a snapshot from an earlier boot is unpacked again from its (fsynced) blob, or, a
/// step's that has no blob yet, not used at all. A reboot is simulated by writing another boot_id into the mark,
/// and the holes by truncating a file.
/// </summary>
public sealed class SnapshotDurabilityTests
{
    private const string AnotherBoot = "00000000-0000-0000-0000-000000000000";

    private static string CurrentBoot => File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();

    [Fact]
    public async Task An_unpacked_layer_from_an_earlier_boot_is_unpacked_again_and_one_from_this_boot_is_used_as_it_is()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        var snapshot = store.Snapshots.LayerDirectory(Assert.Single((await store.LoadAsync()).Config.Value.RootFs.DiffIds));
        using (var first = await AcquireBusyboxAsync(store))
        {
            Assert.Equal(1, first.Unpacked);
        }

        Assert.Equal(CurrentBoot, File.ReadAllText(snapshot + ".boot"));
        var busybox = Path.Combine(snapshot, "bin", "busybox");
        var size = new FileInfo(busybox).Length;

        // Damaged in this boot (which only a bug could do): the mark says it is good, so it is used as it is.
        File.WriteAllBytes(busybox, []);
        using (var same = await AcquireBusyboxAsync(store))
        {
            Assert.Equal(0, same.Unpacked);
        }

        MarkFromAnotherBoot(snapshot);
        using (var again = await AcquireBusyboxAsync(store))
        {
            Assert.Equal(1, again.Unpacked);
            Assert.Equal(size, new FileInfo(busybox).Length);
        }

        Assert.Equal(CurrentBoot, File.ReadAllText(snapshot + ".boot"));
    }

    [Fact]
    public async Task An_exported_steps_snapshot_from_an_earlier_boot_is_unpacked_again_from_its_blob()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        var name = await KeepAsync(store);
        var layer = await OverlayDiffer.DiffSnapshotAsync(store.Snapshots, store.Content, name, null, CancellationToken.None);

        var snapshot = store.Snapshots.LayerDirectory(name);
        var big = Path.Combine(snapshot, "big");
        var written = File.ReadAllBytes(big);
        Assert.Equal(2_000_000, written.Length);
        Assert.Equal(CurrentBoot, File.ReadAllText(snapshot + ".boot"));

        File.WriteAllBytes(big, []);
        MarkFromAnotherBoot(snapshot);
        var exported = new SnapshotLayer(name, new Descriptor(layer.MediaType, layer.Digest, layer.Size), layer.DiffId);
        using (var lease = await store.Snapshots.AcquireAsync(store.Content, [exported], CancellationToken.None))
        {
            Assert.Equal(1, lease.Unpacked);
            Assert.Equal(written, File.ReadAllBytes(big));
        }
    }

    [Fact]
    public async Task A_steps_snapshot_that_was_never_exported_is_gone_after_a_reboot()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        var name = await KeepAsync(store);
        var snapshot = store.Snapshots.LayerDirectory(name);
        Assert.True(store.Snapshots.IsUsable(name));

        MarkFromAnotherBoot(snapshot);

        Assert.False(store.Snapshots.IsUsable(name));
        var gone = await Assert.ThrowsAsync<SnapshotGoneException>(() => store.Snapshots.AcquireAsync(store.Content, [new SnapshotLayer(name, null, null)], CancellationToken.None));
        Assert.Contains("build again", gone.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(snapshot)); // perhaps with holes: never mounted again
    }

    [Fact]
    public async Task An_exported_steps_snapshot_serves_its_layer_by_diffID_through_the_alias_until_it_is_swept()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        var name = await KeepAsync(store);
        var layer = await OverlayDiffer.DiffSnapshotAsync(store.Snapshots, store.Content, name, null, CancellationToken.None);
        store.Snapshots.Alias(layer.DiffId, name);
        ImmutableArray<Descriptor> blobs = [new Descriptor(layer.MediaType, layer.Digest, layer.Size)];

        // An image with that layer (built FROM the exported one) mounts the step's snapshot: nothing unpacked.
        using (var lease = await store.Snapshots.AcquireAsync(store.Content, blobs, [layer.DiffId], CancellationToken.None))
        {
            Assert.Equal(0, lease.Unpacked);
            Assert.Equal(store.Snapshots.LayerDirectory(name), Assert.Single(lease.LowerDirectories));
            Assert.Equal([name], store.Snapshots.InUse());
        }

        // The same snapshot by diffID and by its own name (or twice by either) is one lower directory: overlayfs
        // refuses a lower given twice.
        var both = SnapshotLayer.FromImage(blobs, [layer.DiffId]).Add(new SnapshotLayer(name, null, null)).AddRange(SnapshotLayer.FromImage(blobs, [layer.DiffId]));
        using (var lease = await store.Snapshots.AcquireAsync(store.Content, both, CancellationToken.None))
        {
            Assert.Equal(store.Snapshots.LayerDirectory(name), Assert.Single(lease.LowerDirectories));
        }

        // From another boot, the snapshot may have holes: the layer is unpacked from its blob instead.
        MarkFromAnotherBoot(store.Snapshots.LayerDirectory(name));
        using (var lease = await store.Snapshots.AcquireAsync(store.Content, blobs, [layer.DiffId], CancellationToken.None))
        {
            Assert.Equal(1, lease.Unpacked);
            Assert.Equal(store.Snapshots.LayerDirectory(layer.DiffId), Assert.Single(lease.LowerDirectories));
        }

        // Swept with its snapshot: the alias goes too.
        store.Snapshots.Sweep(new HashSet<Digest> { layer.DiffId });
        Assert.False(Directory.Exists(store.Snapshots.LayerDirectory(name)));
        Assert.Null(store.Snapshots.AliasOf(layer.DiffId));
        Assert.True(Directory.Exists(store.Snapshots.LayerDirectory(layer.DiffId)));
    }

    /// <summary>A step that writes 2 MB of random bytes, kept as a snapshot; returns its name.</summary>
    private static async Task<Digest> KeepAsync(TestStore store)
    {
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());
        var result = await SandboxHarness.RunAsync(sandbox, "crun", SandboxHarness.Shell("head -c 2000000 /dev/urandom > /big"));
        Assert.Equal(0, result.ExitCode);
        return sandbox.Keep().Name;
    }

    [Fact]
    public async Task Opening_the_store_takes_off_old_marks_of_this_boot_and_leaves_recent_ones_and_other_boots()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using (await AcquireBusyboxAsync(store))
        {
        }

        var old = DateTime.UtcNow - SnapshotStore.SettleAge - TimeSpan.FromMinutes(1);
        var busyboxMark = Assert.Single(Directory.GetFiles(store.Snapshots.LayersPath, "*.boot"));
        var recentMark = Path.Combine(store.Snapshots.LayersPath, new string('a', 64) + ".boot");
        var otherBootMark = Path.Combine(store.Snapshots.LayersPath, new string('b', 64) + ".boot");
        File.WriteAllText(recentMark, CurrentBoot);
        File.WriteAllText(otherBootMark, AnotherBoot);
        File.SetLastWriteTimeUtc(busyboxMark, old);
        File.SetLastWriteTimeUtc(otherBootMark, old);

        SnapshotStore.Open(store.Root);

        Assert.False(File.Exists(busyboxMark)); // synced and taken off: a clean reboot keeps the snapshot
        Assert.True(File.Exists(recentMark));
        Assert.True(File.Exists(otherBootMark)); // its snapshot may have holes; its next use unpacks it again
        using var lease = await AcquireBusyboxAsync(store);
        Assert.Equal(0, lease.Unpacked);
    }

    [Fact]
    public async Task A_snapshot_without_a_mark_was_synced_when_it_was_made_and_is_used_as_it_is()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using (await AcquireBusyboxAsync(store))
        {
        }

        File.Delete(store.Snapshots.LayerDirectory((await store.LoadAsync()).Config.Value.RootFs.DiffIds[0]) + ".boot");
        using var lease = await AcquireBusyboxAsync(store);
        Assert.Equal(0, lease.Unpacked);
    }

    /// <summary>What a reboot does to a snapshot made before it: its mark names a boot that is not this one.</summary>
    private static void MarkFromAnotherBoot(string snapshot) => File.WriteAllText(snapshot + ".boot", AnotherBoot);

    private static async Task<SnapshotLease> AcquireBusyboxAsync(TestStore store)
    {
        var image = await store.LoadAsync();
        return await store.Snapshots.AcquireAsync(store.Content, image.Manifest.Value.Layers, image.Config.Value.RootFs.DiffIds, CancellationToken.None);
    }
}
