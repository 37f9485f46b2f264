using Kiln.Oci;

namespace Kiln.Content.Store;

/// <summary>A blob in the store: its digest and size in bytes.</summary>
public sealed record BlobInfo(Digest Digest, long Size);
