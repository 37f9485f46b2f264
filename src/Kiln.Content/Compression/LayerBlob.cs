using Kiln.Oci;

namespace Kiln.Content.Compression;

/// <summary>
/// A written layer: the blob's digest and size as a manifest descriptor names them, and the diffID (the
/// sha256 of the uncompressed tar) and its size as the image config's <c>rootfs.diff_ids</c> needs them.
/// For an uncompressed layer the two digests are equal.
/// </summary>
public sealed record LayerBlob(Digest Digest, long Size, Digest DiffId, long UncompressedSize, string MediaType);
