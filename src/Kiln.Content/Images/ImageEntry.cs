using Kiln.Oci;

namespace Kiln.Content.Images;

/// <summary>One name's entry in <c>images.json</c>.</summary>
internal sealed record ImageEntry(Descriptor Manifest, Descriptor? Index, Digest Id, DateTimeOffset Tagged);
