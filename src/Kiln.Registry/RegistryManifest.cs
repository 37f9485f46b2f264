using Kiln.Oci;

namespace Kiln.Registry;

/// <summary>
/// A manifest or index as the registry sent it: the exact bytes (the digest is over them, so they are never
/// re-serialised) and a descriptor whose digest has been checked against those bytes.
/// </summary>
public sealed record RegistryManifest(Descriptor Descriptor, ReadOnlyMemory<byte> Content);
