using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// A step's overlay upper kept as its layer's snapshot (<see cref="Runtime.Linux.Containers.Sandbox.Keep"/>), and
/// turned into a layer blob only on export (<see cref="OverlayDiffer"/>: whiteouts, opaque directories, clamped
/// mtimes).
/// </summary>
public sealed class SandboxDiffer(SnapshotStore snapshots, ContentStore content) : IDiffer
{
    public Task<LayerRef> CommitAsync(IRootfsMount mount, CancellationToken cancellationToken)
    {
        var sandbox = (mount as SandboxMount)?.Sandbox
            ?? throw new ArgumentException("the root was not mounted by the sandbox snapshotter", nameof(mount));
        var (name, size) = sandbox.Keep();
        return Task.FromResult(LayerRef.SnapshotOnly(name, size));
    }

    public async Task<LayerRef> ExportAsync(LayerRef layer, DateTimeOffset? sourceDateEpoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.IsStored)
        {
            return layer;
        }

        var options = new OverlayDiffOptions { SourceDateEpoch = sourceDateEpoch };
        var blob = await OverlayDiffer.DiffSnapshotAsync(snapshots, content, layer.Snapshot, options, cancellationToken).ConfigureAwait(false);

        // An image built FROM this one then mounts the snapshot rather than unpacking the blob again.
        snapshots.Alias(blob.DiffId, layer.Snapshot);
        return LayerRef.Stored(new Descriptor(blob.MediaType, blob.Digest, blob.Size), blob.DiffId, layer.Snapshot);
    }
}
