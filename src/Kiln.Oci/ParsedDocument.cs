using System.Collections.Immutable;

namespace Kiln.Oci;

/// <summary>
/// A JSON document together with the exact bytes it came from and their digest. Content addressing is over those
/// bytes: a document Kiln did not write is passed on, stored and pushed as <see cref="Raw"/>, never re-serialized.
/// </summary>
public sealed record ParsedDocument<T>(T Value, ImmutableArray<byte> Raw, Digest Digest)
    where T : class
{
    public long Size => Raw.Length;

    /// <summary>A descriptor for these bytes.</summary>
    public Descriptor ToDescriptor(string mediaType) => new(mediaType, Digest, Raw.Length);
}
