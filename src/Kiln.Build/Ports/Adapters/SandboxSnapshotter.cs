using System.Collections.Immutable;
using Kiln.Content.Store;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// Roots on overlayfs over <see cref="SnapshotStore"/>: each layer unpacked once per diffID and shared; a step gets a
/// <see cref="Sandbox"/> (fresh upper), a COPY <c>--from</c> source a read-only overlay.
/// </summary>
public sealed class SandboxSnapshotter(SnapshotStore snapshots, ContentStore content) : ISnapshotter
{
    public async Task<IRootfsMount> MountAsync(ImmutableArray<LayerRef> layers, bool writable, CancellationToken cancellationToken)
    {
        // The same layer twice (every step that changed nothing makes the same empty layer) would give overlayfs the
        // same lower directory twice, which it refuses (ELOOP). Only the topmost copy matters: it re-applies the same
        // files and whiteouts over whatever the layers between did, so the lower copies can go.
        var unique = layers.Where((layer, i) => !layers.Skip(i + 1).Any(above => above.DiffId == layer.DiffId)).ToImmutableArray();
        var blobs = unique.Select(l => l.Blob).ToImmutableArray();
        var diffIds = unique.Select(l => l.DiffId).ToImmutableArray();
        if (writable)
        {
            return new SandboxMount(await Sandbox.CreateAsync(snapshots, content, blobs, diffIds, cancellationToken).ConfigureAwait(false));
        }

        var lease = await snapshots.AcquireAsync(content, blobs, diffIds, cancellationToken).ConfigureAwait(false);
        try
        {
            return new ReadOnlyMount(lease, OverlayMount.Create(snapshots, lease.LowerDirectories, readOnly: true));
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }
}
