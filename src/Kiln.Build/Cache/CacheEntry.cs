using Kiln.Oci;

namespace Kiln.Build.Cache;

/// <summary>
/// A cached step result: the layer it made and when it was first made (history keeps that time on a hit, as
/// BuildKit does). The layer is a snapshot (<see cref="Snapshot"/>) and, once an image that contains it was exported,
/// also a blob in the content store (<see cref="Layer"/>, <see cref="DiffId"/>). Metadata is not cached: the config
/// builder re-applies it.
/// </summary>
/// <param name="Layer">The layer blob; null while the layer is only a snapshot.</param>
/// <param name="DiffId">Its diffID; null while the layer is only a snapshot.</param>
public sealed record CacheEntry(CacheKey Key, Descriptor? Layer, Digest? DiffId, OciTimestamp Created)
{
    /// <summary>The snapshot the layer is kept in; null in entries of earlier versions (unpacked under the diffID).</summary>
    public Digest? Snapshot { get; init; }

    /// <summary>The blob's size, or for a layer that is only a snapshot, the bytes of its files.</summary>
    public long Size { get; init; }
}
