using Kiln.Oci;

namespace Kiln.Build.Cache;

/// <summary>
/// A cached step result: the layer it made (as stored in the content store), its diffID and when it was first
/// made (history keeps that time on a hit, as BuildKit does), and optionally the id of an unpacked snapshot the
/// sandbox may reuse. Metadata is not cached: the config builder re-applies it.
/// </summary>
public sealed record CacheEntry(CacheKey Key, Descriptor Layer, Digest DiffId, OciTimestamp Created)
{
    public string? Snapshot { get; init; }
}
