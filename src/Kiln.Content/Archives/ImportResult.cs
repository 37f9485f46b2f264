using Kiln.Content.Compression;
using Kiln.Oci;

namespace Kiln.Content.Archives;

/// <summary>An imported image: its manifest descriptor, image id (config digest) and the one layer.</summary>
public sealed record ImportResult(Descriptor Manifest, Digest Id, LayerBlob Layer);
