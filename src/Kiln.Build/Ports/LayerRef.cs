using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>
/// One layer of a stage. A base image's layer is a blob in the content store: the compressed blob (what a manifest
/// lists) and its diffID (the digest of the uncompressed tar, what a config's rootfs lists). A build step's layer is
/// at first only a snapshot (<see cref="Snapshot"/>) and becomes a blob when an image that contains it is exported
/// (<see cref="IDiffer.ExportAsync"/>): a builder stage's layers, which no image contains, are never tarred, hashed
/// or stored twice.
/// </summary>
/// <param name="Snapshot">The snapshot the layer is (or would be) unpacked in: a pulled layer's diffID, a step's own name.</param>
/// <param name="Blob">The blob; null until the layer is exported.</param>
/// <param name="DiffId">The diffID; null until the layer is exported.</param>
/// <param name="Size">The blob's size, or before it exists, the bytes of the snapshot's files.</param>
public sealed record LayerRef(Digest Snapshot, Descriptor? Blob, Digest? DiffId, long Size)
{
    /// <summary>A layer in the content store, unpacked (if at all) under <paramref name="snapshot"/>, by default its diffID.</summary>
    public static LayerRef Stored(Descriptor blob, Digest diffId, Digest? snapshot = null)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return new(snapshot ?? diffId, blob, diffId, blob.Size);
    }

    /// <summary>A step's layer that is only a snapshot so far.</summary>
    public static LayerRef SnapshotOnly(Digest snapshot, long size) => new(snapshot, null, null, size);

    public bool IsStored => Blob is not null;

    /// <summary>
    /// What a stage's config lists for the layer in its rootfs: the diffID, or until the layer is exported, its
    /// snapshot name in that place (the export puts the diffIDs in).
    /// </summary>
    public Digest RootFsEntry => DiffId ?? Snapshot;
}
