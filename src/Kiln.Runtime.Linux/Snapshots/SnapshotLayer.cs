using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Runtime.Linux.Snapshots;

/// <summary>
/// One layer as the snapshot store holds it: the name of its directory under <c>layers/</c>, and the blob it can be
/// unpacked from again. A pulled layer is named by its diffID. A build step's layer is named by a fresh id when it is
/// made, and has no blob until an image that contains it is exported: its snapshot is then the only copy, and a layer
/// whose snapshot is gone cannot be used (<see cref="SnapshotGoneException"/>).
/// </summary>
public sealed record SnapshotLayer(Digest Name, Descriptor? Blob, Digest? DiffId)
{
    /// <summary>A layer in the content store, named by its diffID.</summary>
    public static SnapshotLayer FromBlob(Descriptor blob, Digest diffId) => new(diffId, blob, diffId);

    /// <summary>An image's layers: the manifest's descriptors and the config's diffIDs, bottom first, pairwise.</summary>
    public static ImmutableArray<SnapshotLayer> FromImage(ImmutableArray<Descriptor> layers, ImmutableArray<Digest> diffIds) =>
        layers.Length == diffIds.Length
            ? [.. layers.Zip(diffIds, FromBlob)]
            : throw new InvalidDataException($"the manifest has {layers.Length} layers but the config lists {diffIds.Length} diffIDs");
}
