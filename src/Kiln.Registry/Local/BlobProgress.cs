using Kiln.Oci;

namespace Kiln.Registry.Local;

/// <summary>One step of one blob in a pull or push, for a progress display.</summary>
public sealed record BlobProgress(Descriptor Blob, BlobTransferState State)
{
    /// <summary>True for layers (what docker lists); configs and manifests move too but are not shown.</summary>
    public bool IsLayer => MediaTypes.IsLayer(Blob.MediaType);
}
