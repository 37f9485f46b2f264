using System.Collections.Immutable;
using Kiln.Content.Store;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// Roots on overlayfs over <see cref="SnapshotStore"/>: each pulled layer unpacked once per diffID and shared, each
/// step's layer its kept upper; a step gets a <see cref="Sandbox"/> (fresh upper), a COPY <c>--from</c> source a
/// read-only overlay.
/// </summary>
public sealed class SandboxSnapshotter(SnapshotStore snapshots, ContentStore content) : ISnapshotter
{
    public async Task<IRootfsMount> MountAsync(ImmutableArray<LayerRef> layers, bool writable, CancellationToken cancellationToken)
    {
        // A layer given twice is mounted once, the topmost copy (SnapshotStore.AcquireAsync).
        var snapshotLayers = layers.Select(l => new SnapshotLayer(l.Snapshot, l.Blob, l.DiffId)).ToImmutableArray();
        if (writable)
        {
            return new SandboxMount(await Sandbox.CreateAsync(snapshots, content, snapshotLayers, cancellationToken).ConfigureAwait(false));
        }

        var lease = await snapshots.AcquireAsync(content, snapshotLayers, cancellationToken).ConfigureAwait(false);
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
