using System.Collections.Immutable;
using System.Security.Cryptography;
using Kiln.Content.Compression;
using Kiln.Content.IO;
using Kiln.Content.Layers;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Runtime.Linux.Snapshots;

/// <summary>
/// Base layers unpacked once per diffID under <c>&lt;root&gt;/snapshots/layers/&lt;hex&gt;</c>, with overlay-style
/// whiteouts (0/0 character devices, <c>trusted.overlay.opaque=y</c>) so that each directory is an overlay lower
/// directory as it is, shared by every image and every step that has the layer. A build step's upper is kept here
/// too, under a fresh name (<see cref="NewName"/>): until its layer is exported it has no blob, and the snapshot is
/// the layer's only copy.
/// </summary>
/// <remarks>
/// Concurrency (threads and kiln processes alike) rests on one lock file per snapshot, <c>layers/&lt;hex&gt;.lock</c>:
/// users hold it shared for as long as they use the directory; the one unpacking it and a sweep removing it hold it
/// exclusively. A layer is extracted into <c>tmp/</c> and renamed into place, so a directory under
/// <c>layers/</c> is always complete; an interrupted extraction leaves only <c>tmp/</c> litter, removed the next
/// time the store is opened with nobody extracting. Nothing is reference-counted on disk: "in use" is "someone
/// holds the lock", which a killed process cannot leave behind.
/// Durability: a snapshot gets its name without waiting for the disk. A syncfs would wait for every other writer's
/// data on the filesystem too (seconds on a busy CI machine), and a step's files are rarely needed after a crash.
/// Instead each snapshot is marked with the boot it was made in (<c>layers/&lt;hex&gt;.boot</c>, the kernel's
/// boot_id, fsynced before the snapshot gets its name). Until the next boot the page cache is the truth; after a
/// crash and reboot, a snapshot from an earlier boot may have holes, so it is removed and unpacked again from its
/// blob, which the content store fsynced; a build step's snapshot that has no blob yet is removed and its cache
/// entry misses. Marks of this boot older than <see cref="SettleAge"/> are taken off when
/// the store is next opened, after one syncfs: the kernel has long written those snapshots back, and a clean reboot
/// then unpacks only what was made in the last minutes before it. (Snapshots without a mark are on disk.)
/// </remarks>
public sealed class SnapshotStore
{
    private static readonly Lazy<string> CurrentBoot = new(() => File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim());

    /// <summary>
    /// How old a mark of this boot must be before opening the store syncs and takes it off: long past the kernel's
    /// own writeback of dirty data (30 s by default), so that the syncfs rarely finds anything left to write.
    /// </summary>
    internal static TimeSpan SettleAge { get; set; } = TimeSpan.FromMinutes(5);

    private SnapshotStore(string path)
    {
        Path = path;
    }

    /// <summary><c>&lt;root&gt;/snapshots</c>.</summary>
    public string Path { get; }

    public string LayersPath => System.IO.Path.Combine(Path, "layers");

    /// <summary>Where per-container overlay mounts live (see <c>OverlayMount</c>).</summary>
    public string MountsPath => System.IO.Path.Combine(Path, "mounts");

    /// <summary>An empty directory: the lower layer of a scratch root (overlayfs needs at least one lower).</summary>
    public string EmptyDirectory => System.IO.Path.Combine(Path, "empty");

    private string TempPath => System.IO.Path.Combine(Path, "tmp");

    private string TempLockPath => System.IO.Path.Combine(Path, "tmp.lock");

    public static SnapshotStore Open(StoreRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var store = new SnapshotStore(System.IO.Path.Combine(root.Path, "snapshots"));
        Directory.CreateDirectory(store.LayersPath);
        Directory.CreateDirectory(store.MountsPath);
        Directory.CreateDirectory(store.TempPath);
        Directory.CreateDirectory(store.EmptyDirectory);
        foreach (var spread in new[] { store.LayersPath, store.MountsPath, store.TempPath })
        {
            SpreadDirectories.TryMark(spread);
        }

        store.CleanTemp();
        store.SettleMarks();
        return store;
    }

    /// <summary>The directory a layer is (or would be) unpacked in: its diffID, or a build step's snapshot name.</summary>
    public string LayerDirectory(Digest name) => System.IO.Path.Combine(LayersPath, CheckName(name));

    /// <summary>
    /// Makes sure every layer of an image is unpacked and holds them in use. <paramref name="layers"/> are the
    /// manifest's layer descriptors and <paramref name="diffIds"/> the config's, bottom first, pairwise. A layer is
    /// checked against its diffID while it is unpacked.
    /// </summary>
    public Task<SnapshotLease> AcquireAsync(ContentStore content, ImmutableArray<Descriptor> layers, ImmutableArray<Digest> diffIds, CancellationToken cancellationToken) =>
        AcquireAsync(content, SnapshotLayer.FromImage(layers, diffIds), cancellationToken);

    /// <summary>
    /// Makes sure every layer is unpacked (bottom first) and holds them in use. A layer with a blob that is not
    /// unpacked is unpacked from it and checked against its diffID; one without a blob must be there.
    /// </summary>
    /// <exception cref="SnapshotGoneException">A layer without a blob has no usable snapshot.</exception>
    public async Task<SnapshotLease> AcquireAsync(ContentStore content, ImmutableArray<SnapshotLayer> layers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var held = new Dictionary<Digest, (FileLock Lock, string Directory)>();
        var unpacked = 0;
        try
        {
            foreach (var layer in layers)
            {
                if (held.ContainsKey(layer.Name))
                {
                    continue;
                }

                var (lockFile, directory, fresh) = await HoldAsync(content, layer, cancellationToken).ConfigureAwait(false);
                held.Add(layer.Name, (lockFile, directory));
                unpacked += fresh ? 1 : 0;
            }

            // overlayfs refuses a lower directory given twice (ELOOP), and images repeat layers (every step that
            // changed nothing makes the same empty one; a layer may also be there by diffID and, through its alias,
            // as the step's snapshot). Only the topmost copy matters: it re-applies the same files and whiteouts over
            // the layers between, so Distinct on the top-first order keeps exactly that one.
            var names = layers.Select(l => l.Name).ToImmutableArray();
            var lowers = names.Reverse().Select(n => held[n].Directory).Distinct().ToImmutableArray();
            return new SnapshotLease(lowers, names, unpacked, [.. held.Values.Select(h => h.Lock)]);
        }
        catch
        {
            foreach (var (lockFile, _) in held.Values)
            {
                lockFile.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Whether the snapshot <paramref name="name"/> is there and whole (made in this boot, or settled): a layer that
    /// has no blob can be used only then. Someone may remove it right after; <see cref="AcquireAsync(ContentStore, ImmutableArray{SnapshotLayer}, CancellationToken)"/>
    /// holds it for use.
    /// </summary>
    public bool IsUsable(Digest name)
    {
        var directory = LayerDirectory(name);
        return Directory.Exists(directory) && MadeThisBoot(directory);
    }

    /// <summary>A fresh name for a snapshot that is not a pulled layer (a build step's upper).</summary>
    public static Digest NewName() => Digest.FromSha256Hash(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Takes <paramref name="directory"/>, an unmounted overlay upper, as the snapshot <paramref name="name"/> (a
    /// fresh <see cref="NewName"/>), by moving it into place. Returns false and leaves the directory where it is
    /// when the name is taken or locked. The directory must be on the store's filesystem (under <see cref="Path"/>).
    /// </summary>
    public bool Adopt(string directory, Digest name)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var target = LayerDirectory(name);
        using var exclusive = FileLock.TryAcquire(target + ".lock", exclusive: true);
        if (exclusive is null || Directory.Exists(target))
        {
            return false;
        }

        MarkBoot(target);
        Directory.Move(directory, target);
        return true;
    }

    /// <summary>The names of snapshots that someone (this process or another) holds in use right now.</summary>
    public ImmutableHashSet<Digest> InUse()
    {
        var result = ImmutableHashSet.CreateBuilder<Digest>();
        foreach (var (name, directory) in Unpacked())
        {
            using var probe = FileLock.TryAcquire(directory + ".lock", exclusive: true);
            if (probe is null)
            {
                result.Add(name);
            }
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// Removes snapshots nobody holds, except those in <paramref name="keep"/>; returns what it removed, each measured
    /// (bytes of its regular files) under its lock right before it went. A layer
    /// with a blob is unpacked again the next time it is needed; one without (a build step's, never exported) is
    /// gone, and the cache entry that names it misses.
    /// </summary>
    /// <param name="madeBefore">
    /// When set, snapshots marked at or after this time are left too: a build that is running keeps each step's
    /// upper a moment before its cache entry names it, and a keep set read in that moment does not have it.
    /// </param>
    public ImmutableArray<SweptSnapshot> Sweep(IReadOnlySet<Digest>? keep, DateTime? madeBefore = null)
    {
        var removed = ImmutableArray.CreateBuilder<SweptSnapshot>();
        foreach (var (name, directory) in Unpacked())
        {
            if (keep?.Contains(name) == true || (madeBefore is { } cutoff && File.GetLastWriteTimeUtc(BootMark(directory)) >= cutoff))
            {
                continue;
            }

            using var exclusive = FileLock.TryAcquire(directory + ".lock", exclusive: true);
            if (exclusive is null)
            {
                continue;
            }

            var bytes = DirectoryTree.RegularFileBytes(directory);
            Remove(directory);
            removed.Add(new SweptSnapshot(name, bytes));
        }

        // Aliases of removed snapshots would only be read and ignored; they go too.
        foreach (var alias in Directory.EnumerateFiles(LayersPath, "*.alias"))
        {
            if (!Digest.TryParse("sha256:" + System.IO.Path.GetFileNameWithoutExtension(alias), out var diffId) ||
                AliasOf(diffId) is not { } name || !Directory.Exists(LayerDirectory(name)))
            {
                File.Delete(alias);
            }
        }

        return removed.ToImmutable();
    }

    private IEnumerable<(Digest Name, string Directory)> Unpacked()
    {
        foreach (var directory in Directory.EnumerateDirectories(LayersPath))
        {
            if (Digest.TryParse("sha256:" + System.IO.Path.GetFileName(directory), out var name))
            {
                yield return (name, directory);
            }
        }
    }

    private async Task<(FileLock Lock, string Directory, bool Fresh)> HoldAsync(ContentStore content, SnapshotLayer layer, CancellationToken cancellationToken)
    {
        var directory = LayerDirectory(layer.Name);
        if (!Directory.Exists(directory) && HoldAlias(layer) is { } alias)
        {
            return (alias.Lock, alias.Directory, false);
        }

        var lockPath = directory + ".lock";
        var fresh = false;
        var delay = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Never wait for the exclusive lock while holding out for it could outlast the layer's appearance:
            // users hold the shared lock for as long as they run, so a waiter for "exclusive" would wait for all
            // of them (a deadlock when they wait for this one). Each round asks for "shared" first instead.
            if (FileLock.TryAcquire(lockPath, exclusive: false) is { } shared)
            {
                if (IsUsable(layer.Name))
                {
                    return (shared, directory, fresh);
                }

                shared.Dispose();
                if (FileLock.TryAcquire(lockPath, exclusive: true) is { } exclusive)
                {
                    using (exclusive)
                    {
                        if (Directory.Exists(directory) && !MadeThisBoot(directory))
                        {
                            Remove(directory); // made before a reboot, and perhaps never written whole to disk
                        }

                        if (!Directory.Exists(directory))
                        {
                            if (layer is not { Blob: { } blob, DiffId: { } diffId })
                            {
                                throw new SnapshotGoneException(
                                    $"layer snapshot {layer.Name.Encoded[..12]} is gone (removed by kiln prune --all, or made before a crash), and it was never exported: build again");
                            }

                            await UnpackAsync(content, blob, diffId, directory, cancellationToken).ConfigureAwait(false);
                            fresh = true;
                        }
                    }

                    continue;
                }
            }

            // Someone is unpacking (or sweeping) it: look again shortly.
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 > TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : delay * 2;
        }
    }

    /// <summary>
    /// Records that the layer <paramref name="diffId"/> is unpacked in the snapshot <paramref name="name"/> (a build
    /// step's, exported as that layer): an image built on that image then mounts the snapshot instead of unpacking
    /// the layer again. The record (<c>layers/&lt;diffID&gt;.alias</c>) is a hint, not synced: one that is lost, or
    /// whose snapshot is gone or from another boot, only means the layer is unpacked from its blob.
    /// </summary>
    public void Alias(Digest diffId, Digest name)
    {
        var alias = AliasPath(diffId);
        var temp = System.IO.Path.Combine(TempPath, "alias-" + RandomName());
        File.WriteAllText(temp, CheckName(name));
        File.Move(temp, alias, overwrite: true);
    }

    /// <summary>The snapshot <paramref name="diffId"/>'s alias names, if there is a record of one.</summary>
    public Digest? AliasOf(Digest diffId)
    {
        try
        {
            return Digest.TryParse("sha256:" + File.ReadAllText(AliasPath(diffId)).Trim(), out var name) ? name : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private string AliasPath(Digest diffId) => LayerDirectory(diffId) + ".alias";

    /// <summary>The snapshot an alias of <paramref name="layer"/> names, held shared, if it is there and whole.</summary>
    private (FileLock Lock, string Directory)? HoldAlias(SnapshotLayer layer)
    {
        if (layer.DiffId != layer.Name || AliasOf(layer.Name) is not { } name)
        {
            return null;
        }

        var directory = LayerDirectory(name);
        if (FileLock.TryAcquire(directory + ".lock", exclusive: false) is not { } shared)
        {
            return null; // being swept: unpack instead
        }

        if (IsUsable(name))
        {
            return (shared, directory);
        }

        shared.Dispose();
        return null;
    }

    private async Task UnpackAsync(ContentStore content, Descriptor layer, Digest diffId, string directory, CancellationToken cancellationToken)
    {
        // Held shared while extracting, so that CleanTemp in another process leaves this temp directory alone.
        using var tempLease = await FileLock.AcquireAsync(TempLockPath, exclusive: false, cancellationToken).ConfigureAwait(false);
        var temp = System.IO.Path.Combine(TempPath, "unpack-" + RandomName());
        Directory.CreateDirectory(temp);
        try
        {
            var blob = await content.OpenReadAsync(layer.Digest, cancellationToken).ConfigureAwait(false);
            await using (blob.ConfigureAwait(false))
            {
                var tar = await LayerDecompression.OpenAsync(blob, leaveOpen: true, cancellationToken).ConfigureAwait(false);
                await using (tar.ConfigureAwait(false))
                {
                    var checking = new DiffIdCheckingStream(tar);
                    await using (checking.ConfigureAwait(false))
                    {
                        var options = new ExtractOptions { Whiteouts = WhiteoutMode.Overlay, Privileged = true };
                        await LayerExtractor.ExtractAsync(checking, temp, options, cancellationToken).ConfigureAwait(false);
                        await checking.VerifyAsync(diffId, cancellationToken).ConfigureAwait(false);
                    }
                }

                // The blob's own digest is checked when its stream reaches the end: read what the decompressor left.
                await blob.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }

            MarkBoot(directory);
            Directory.Move(temp, directory);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Whether the snapshot in <paramref name="directory"/> can be used as it is: made in this boot, or synced when
    /// it was made (no mark).
    /// </summary>
    private static bool MadeThisBoot(string directory)
    {
        return ReadMark(BootMark(directory)) is not { } boot || boot == CurrentBoot.Value;
    }

    /// <summary>
    /// Marks the snapshot about to appear at <paramref name="directory"/> with this boot, on disk (the file and its
    /// name) before the snapshot can be: a snapshot that survives a crash always has its mark.
    /// </summary>
    private void MarkBoot(string directory)
    {
        using (var mark = new FileStream(BootMark(directory), FileMode.Create, FileAccess.Write, FileShare.None))
        {
            mark.Write(System.Text.Encoding.ASCII.GetBytes(CurrentBoot.Value));
            mark.Flush(flushToDisk: true);
        }

        RawFile.SyncDirectory(LayersPath);
    }

    private static string BootMark(string directory) => directory + ".boot";

    /// <summary>Takes off the marks of this boot older than <see cref="SettleAge"/>, once their snapshots are synced.</summary>
    private void SettleMarks()
    {
        var cutoff = DateTime.UtcNow - SettleAge;
        var settled = Directory.EnumerateFiles(LayersPath, "*.boot")
            .Where(mark => File.GetLastWriteTimeUtc(mark) < cutoff && ReadMark(mark) == CurrentBoot.Value)
            .ToList();
        if (settled.Count == 0)
        {
            return;
        }

        // Every snapshot those marks stand for was named before its mark got old: this one call puts them on disk.
        FilesystemSync.Sync(LayersPath);
        foreach (var mark in settled)
        {
            File.Delete(mark);
        }
    }

    private static string? ReadMark(string mark)
    {
        try
        {
            return File.ReadAllText(mark).Trim();
        }
        catch (FileNotFoundException)
        {
            return null; // removed with its snapshot meanwhile
        }
    }

    /// <summary>Removes a snapshot; the caller holds its lock exclusively.</summary>
    private void Remove(string directory)
    {
        // Out of layers/ first (a rename is atomic), then deleted at leisure: a crash in the middle of a big
        // delete leaves temp litter, never a half layer under its diffID. The delete walks down by descriptor: a
        // step's snapshot may hold paths longer than PATH_MAX.
        var doomed = System.IO.Path.Combine(TempPath, "rm-" + RandomName());
        Directory.Move(directory, doomed);
        File.Delete(BootMark(directory));
        DirectoryTree.Remove(doomed);
    }

    private void CleanTemp()
    {
        using var exclusive = FileLock.TryAcquire(TempLockPath, exclusive: true);
        if (exclusive is null)
        {
            return; // someone is extracting right now; the next open cleans up
        }

        foreach (var entry in Directory.EnumerateDirectories(TempPath))
        {
            TryDelete(entry);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            DirectoryTree.Remove(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string CheckName(Digest name) =>
        name.Algorithm == "sha256" ? name.Encoded : throw new InvalidDataException($"layer {name}: only sha256 digests name snapshots");

    private static string RandomName() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
