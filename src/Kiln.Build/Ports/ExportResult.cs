using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>What the exporter wrote: the image id (config digest), the manifest digest and the image's size.</summary>
public sealed record ExportResult(Digest ImageId, Digest ManifestDigest, long Size);
