using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>
/// One layer blob in the content store: the compressed blob (what a manifest lists) and its diffID (the digest of
/// the uncompressed tar, what the config's rootfs and the snapshots are keyed by).
/// </summary>
public sealed record LayerRef(Descriptor Blob, Digest DiffId);
