using System.Collections.Immutable;
using Kiln.Content.Compression;
using Kiln.Content.Tar;
using Kiln.Oci;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>Snapshots, overlay mounts and diffs on real overlayfs.</summary>
public sealed class OverlayTests
{
    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public async Task A_run_step_diffs_into_a_layer_with_whiteouts(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());
        var result = await SandboxHarness.RunAsync(
            sandbox,
            runtime,
            SandboxHarness.Shell("echo new > /new.txt && echo more >> /etc/motd && rm /bin/ls /bin/cat && rm -rf /opaque && mkdir /opaque && echo c > /opaque/c"));
        Assert.Equal(0, result.ExitCode);

        var layer = await OverlayDiffer.DiffSnapshotAsync(store.Snapshots, store.Content, sandbox.Keep().Name, null, CancellationToken.None);
        var entries = await ReadLayerAsync(store, layer.Digest);

        Assert.Equal(
            [
                "bin/ D", "bin/.wh.cat F", "bin/.wh.ls F", "etc/ D", "etc/motd F", "new.txt F", "opaque/ D", "opaque/.wh..wh..opq F", "opaque/c F",
            ],
            entries.Select(e => $"{e.NameText} {(e.Kind == TarEntryKind.Directory ? 'D' : e.Kind == TarEntryKind.RegularFile ? 'F' : '?')}"));
        Assert.All(entries.Where(e => e.NameText.Contains(".wh.", StringComparison.Ordinal)), e => Assert.Equal(0, e.Size));
        Assert.DoesNotContain(entries, e => e.Xattrs.Any(x => x.Name.StartsWith("trusted.", StringComparison.Ordinal)));

        // The local layer is plain tar (gzipped only when pushed): its digest is its diffID, and GNU tar reads it.
        Assert.Equal(MediaTypes.OciLayer, layer.MediaType);
        Assert.Equal(layer.DiffId, layer.Digest);
        var listing = Path.Combine(store.Path, "layer.tar");
        await using (var blob = await store.Content.OpenReadAsync(layer.Digest, CancellationToken.None))
        await using (var file = File.Create(listing))
        {
            await blob.CopyToAsync(file);
        }

        Assert.Contains("bin/.wh.ls", Tool.Run("tar", "-tf", listing), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public async Task A_kept_upper_is_the_new_layers_snapshot_and_the_next_step_sees_it_without_unpacking(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        var image = await store.LoadAsync();
        Digest kept;
        using (var sandbox = await SandboxHarness.CreateAsync(store, image))
        {
            var result = await SandboxHarness.RunAsync(
                sandbox,
                runtime,
                SandboxHarness.Shell("echo new > /new.txt && rm /bin/ls && rm -rf /opaque && mkdir /opaque && echo c > /opaque/c"));
            Assert.Equal(0, result.ExitCode);
            kept = sandbox.Keep().Name;
        }

        Assert.True(Directory.Exists(store.Snapshots.LayerDirectory(kept)));
        Assert.Empty(store.Mounts());
        Assert.Empty(Directory.GetDirectories(store.Snapshots.MountsPath));

        var layers = SnapshotLayer.FromImage(image.Manifest.Value.Layers, image.Config.Value.RootFs.DiffIds);
        using var next = await Sandbox.CreateAsync(store.Snapshots, store.Content, layers.Add(new SnapshotLayer(kept, null, null)), CancellationToken.None);
        Assert.Equal(0, next.UnpackedLayers);
        Assert.Equal("new\n", File.ReadAllText(Path.Combine(next.RootPath, "new.txt")));
        Assert.False(File.Exists(Path.Combine(next.RootPath, "bin", "ls")));
        Assert.True(File.Exists(Path.Combine(next.RootPath, "bin", "busybox")));
        Assert.Equal(["c"], Directory.GetFileSystemEntries(Path.Combine(next.RootPath, "opaque")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public async Task A_run_that_changes_nothing_makes_a_layer_of_the_stubs_parent_only_as_BuildKit_does(string runtime)
    {
        // The runtime's /etc/hosts and /etc/resolv.conf stubs copy /etc up. The lab's dockerd 20.10 (BuildKit) gives
        // `RUN cat /etc/hosts > /dev/null` on busybox a layer holding exactly "etc/".
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());
        Assert.Equal(0, (await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell("cat /etc/hosts > /dev/null"))).ExitCode);

        var layer = await OverlayDiffer.DiffSnapshotAsync(store.Snapshots, store.Content, sandbox.Keep().Name, null, CancellationToken.None);

        Assert.Equal(["etc/"], (await ReadLayerAsync(store, layer.Digest)).Select(e => e.NameText));
    }

    [Fact]
    public void The_store_marks_where_new_trees_are_made_as_tops_of_hierarchies()
    {
        // ext4 then spreads each new upper or unpacked layer over the disk instead of next to what was just deleted.
        Tool.RequireRoot();
        using var store = new TestStore();
        foreach (var directory in new[] { store.Snapshots.MountsPath, store.Snapshots.LayersPath })
        {
            var flags = Tool.Run("lsattr", "-d", directory).Split(' ')[0];
            Assert.Contains('T', flags);
        }
    }

    [Fact]
    public async Task Layers_are_unpacked_once_per_diffid_and_shared()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        var image = await store.LoadAsync();
        using var first = await SandboxHarness.CreateAsync(store, image);
        using var second = await SandboxHarness.CreateAsync(store, image);

        Assert.Equal(1, first.UnpackedLayers);
        Assert.Equal(0, second.UnpackedLayers);
        Assert.Single(Directory.GetDirectories(store.Snapshots.LayersPath));
        Assert.Equal([image.Config.Value.RootFs.DiffIds[0]], store.Snapshots.InUse());
        Assert.Empty(store.Snapshots.Sweep(null));
    }

    [Fact]
    public async Task A_sweep_removes_layers_nobody_uses_and_they_come_back()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        var image = await store.LoadAsync();
        using (await SandboxHarness.CreateAsync(store, image))
        {
        }

        Assert.Empty(store.Snapshots.InUse());
        Assert.Single(store.Snapshots.Sweep(null));
        Assert.Empty(Directory.GetDirectories(store.Snapshots.LayersPath));
        Assert.Empty(Directory.GetFiles(store.Snapshots.LayersPath, "*.boot")); // the mark goes with its snapshot

        using var again = await SandboxHarness.CreateAsync(store, image);
        Assert.Equal(1, again.UnpackedLayers);
        Assert.True(File.Exists(Path.Combine(again.RootPath, "bin", "busybox")));
    }

    [Fact]
    public async Task Concurrent_users_unpack_a_layer_once()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        var image = await store.LoadAsync();

        var sandboxes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SandboxHarness.CreateAsync(store, image))));
        try
        {
            Assert.Equal(1, sandboxes.Sum(s => s.UnpackedLayers));
        }
        finally
        {
            foreach (var sandbox in sandboxes)
            {
                sandbox.Dispose();
            }
        }

        Assert.Empty(store.Mounts());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Long_chains_mount_with_fsconfig_and_the_legacy_string_refuses_them_clearly(bool legacy)
    {
        Tool.RequireRoot();
        using var store = new TestStore();
        var lowers = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < 120; i++)
        {
            var lower = Path.Combine(store.Path, "layers-with-a-long-name-" + new string('x', 40), i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(lower);
            File.WriteAllText(Path.Combine(lower, $"f{i:D3}"), "x");
        }

        foreach (var directory in Directory.GetDirectories(Path.Combine(store.Path, "layers-with-a-long-name-" + new string('x', 40))).Order(StringComparer.Ordinal).Reverse())
        {
            lowers.Add(directory);
        }

        OverlayMount.ForceLegacyMount = legacy;
        try
        {
            if (legacy)
            {
                var error = Assert.Throws<IOException>(() => OverlayMount.Create(store.Snapshots, lowers.ToImmutable(), readOnly: false));
                Assert.Contains("longer than one page", error.Message, StringComparison.Ordinal);
            }
            else
            {
                using var mount = OverlayMount.Create(store.Snapshots, lowers.ToImmutable(), readOnly: false);
                Assert.False(mount.UsedLegacyMount);
                Assert.Equal(120, Directory.GetFiles(mount.MergedPath).Length);
            }
        }
        finally
        {
            OverlayMount.ForceLegacyMount = false;
        }

        Assert.Empty(store.Mounts());
    }

    [Fact]
    public void Short_chains_mount_with_the_legacy_string_too_and_read_only_mounts_refuse_writes()
    {
        Tool.RequireRoot();
        using var store = new TestStore();
        var lower = Path.Combine(store.Path, "lower");
        Directory.CreateDirectory(lower);
        File.WriteAllText(Path.Combine(lower, "f"), "x");
        OverlayMount.ForceLegacyMount = true;
        try
        {
            using var mount = OverlayMount.Create(store.Snapshots, [lower], readOnly: true);
            Assert.True(mount.UsedLegacyMount);
            Assert.Equal("x", File.ReadAllText(Path.Combine(mount.MergedPath, "f")));
            Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(mount.MergedPath, "g"), "y"));
        }
        finally
        {
            OverlayMount.ForceLegacyMount = false;
        }

        Assert.Empty(store.Mounts());
    }

    /// <summary>
    /// A writable overlay is volatile, by either mount API: its unmount does not wait for the disk, and neither does
    /// an fsync inside it; Sandbox.CommitAsync syncs the upper instead (SnapshotDurabilityTests).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writable_overlays_are_volatile_and_read_only_ones_are_not(bool legacy)
    {
        Tool.RequireRoot();
        using var store = new TestStore();
        var lower = Path.Combine(store.Path, "lower");
        Directory.CreateDirectory(lower);
        OverlayMount.ForceLegacyMount = legacy;
        try
        {
            using (var writable = OverlayMount.Create(store.Snapshots, [lower], readOnly: false))
            {
                Assert.Equal(legacy, writable.UsedLegacyMount);
                Assert.True(writable.Volatile);
                Assert.Contains("volatile", SuperOptions(writable.MergedPath), StringComparison.Ordinal);
            }

            using var readOnly = OverlayMount.Create(store.Snapshots, [lower], readOnly: true);
            Assert.False(readOnly.Volatile);
            Assert.DoesNotContain("volatile", SuperOptions(readOnly.MergedPath), StringComparison.Ordinal);
        }
        finally
        {
            OverlayMount.ForceLegacyMount = false;
        }

        Assert.Empty(store.Mounts());
    }

    [Fact]
    public void Stale_mounts_of_a_dead_process_are_cleaned()
    {
        Tool.RequireRoot();
        using var store = new TestStore();

        // What SIGKILL leaves: a mounted overlay whose lock nobody holds any more.
        var directory = Path.Combine(store.Snapshots.MountsPath, "deadbeef");
        foreach (var sub in new[] { "merged", "upper", "work" })
        {
            Directory.CreateDirectory(Path.Combine(directory, sub));
        }

        File.WriteAllText(directory + ".lock", string.Empty);
        Tool.Run("mount", "-t", "overlay", "overlay", "-o", $"lowerdir={store.Snapshots.EmptyDirectory},upperdir={directory}/upper,workdir={directory}/work", Path.Combine(directory, "merged"));
        Assert.Single(store.Mounts());

        Assert.Equal(1, OverlayMount.CleanStale(store.Snapshots));

        Assert.Empty(store.Mounts());
        Assert.False(Directory.Exists(directory));
    }

    private static async Task<List<TarEntry>> ReadLayerAsync(TestStore store, Kiln.Oci.Digest digest)
    {
        var entries = new List<TarEntry>();
        await using var blob = await store.Content.OpenReadAsync(digest, CancellationToken.None);
        await using var tar = await LayerDecompression.OpenAsync(blob, leaveOpen: true, CancellationToken.None);
        await using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync(CancellationToken.None) is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>The filesystem's own options (the last field of its /proc/self/mountinfo line).</summary>
    private static string SuperOptions(string mountPoint) =>
        File.ReadLines("/proc/self/mountinfo").Single(line => line.Split(' ')[4] == mountPoint).Split(' ')[^1];
}
