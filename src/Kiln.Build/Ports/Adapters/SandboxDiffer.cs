using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Runtime.Linux.Overlay;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// The step's overlay upper as a layer in the content store (<see cref="OverlayDiffer"/>: whiteouts, opaque
/// directories, clamped mtimes); the upper itself becomes the layer's snapshot (<see cref="Sandbox.CommitAsync"/>).
/// </summary>
public sealed class SandboxDiffer(ContentStore content) : IDiffer
{
    public async Task<LayerRef> DiffAsync(IRootfsMount mount, DateTimeOffset? sourceDateEpoch, CancellationToken cancellationToken)
    {
        var sandbox = (mount as SandboxMount)?.Sandbox
            ?? throw new ArgumentException("the root was not mounted by the sandbox snapshotter", nameof(mount));
        var blob = await sandbox.CommitAsync(content, new OverlayDiffOptions { SourceDateEpoch = sourceDateEpoch }, cancellationToken).ConfigureAwait(false);
        return new LayerRef(new Descriptor(blob.MediaType, blob.Digest, blob.Size), blob.DiffId);
    }
}
