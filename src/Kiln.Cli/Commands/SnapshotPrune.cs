using System.Collections.Immutable;
using System.IO.Enumeration;
using Kiln.Build.Cache;
using Kiln.Content.Images;
using Kiln.Oci;
using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Cli.Commands;

/// <summary>
/// The snapshot half of <c>kiln prune</c>: snapshots that no remaining image (by diffID, or the alias of one) and no
/// remaining cache entry (by snapshot name) names are removed. Layers someone holds (a build or a <c>kiln run</c> in progress) are left alone by
/// <see cref="SnapshotStore.Sweep"/> itself, which only removes what it can lock exclusively.
/// </summary>
internal static class SnapshotPrune
{
    /// <summary>How long before the prune a snapshot must have been made to be swept when nothing names it.</summary>
    private static readonly TimeSpan RunningBuildMargin = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The snapshots removed and the bytes their files took; how many mount directories of interrupted runs were
    /// removed, and why any that are left could not be.
    /// </summary>
    public sealed record Result(ImmutableArray<Digest> Removed, long BytesFreed, int StaleMounts, ImmutableArray<string> StaleMountFailures);

    /// <param name="leaveRecent">
    /// Leave what was made in the last minute even when nothing names it: a running build keeps each step's snapshot
    /// a moment before its cache entry names it. <c>prune --all</c> clears the cache a running build uses anyway, and
    /// removes everything nobody holds.
    /// </param>
    public static async Task<Result> RunAsync(SnapshotStore snapshots, ImageStore images, CacheStore cache, bool leaveRecent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(cache);
        DateTime? madeBefore = leaveRecent ? DateTime.UtcNow - RunningBuildMargin : null;
        var keep = await KeepAsync(snapshots, images, cache, cancellationToken).ConfigureAwait(false);

        // What a killed run (or an older kiln that could not delete it) left under mounts/ goes too: every build
        // cleans those up before its containers, but a store nobody builds in is cleaned here.
        var failures = new List<string>();
        var stale = OverlayMount.CleanStale(snapshots, failures);
        var removed = snapshots.Sweep(keep, madeBefore);
        return new Result([.. removed.Select(r => r.Name)], removed.Sum(r => r.Bytes), stale, [.. failures]);
    }

    /// <summary>
    /// Every diffID of every named image and every cache entry. An image whose manifest or config cannot be read
    /// fails the prune rather than being treated as having no layers: sweeping would still be safe (a layer is
    /// unpacked again from its blob), but a store in that state deserves a clear error, not a silent sweep.
    /// </summary>
    private static async Task<ImmutableHashSet<Digest>> KeepAsync(SnapshotStore snapshots, ImageStore images, CacheStore cache, CancellationToken cancellationToken)
    {
        var keep = ImmutableHashSet.CreateBuilder<Digest>();
        var seen = new HashSet<Digest>();
        foreach (var record in await images.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!seen.Add(record.Manifest.Digest))
            {
                continue;
            }

            var resolved = new ResolvedImage(record.Id, record.Manifest, record.Index, [record], record);
            var image = await images.LoadAsync(resolved, cancellationToken).ConfigureAwait(false);
            foreach (var diffId in image.Config.Value.RootFs.DiffIds)
            {
                // A layer built here is unpacked in its step's snapshot, which its alias names.
                keep.Add(diffId);
                if (snapshots.AliasOf(diffId) is { } alias)
                {
                    keep.Add(alias);
                }
            }
        }

        foreach (var entry in await cache.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            // A step's layer is kept under its own snapshot name; entries of earlier versions, under the diffID.
            keep.Add(entry.Snapshot ?? entry.DiffId!.Value);
        }

        return keep.ToImmutable();
    }
}
