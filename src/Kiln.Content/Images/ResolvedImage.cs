using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Content.Images;

/// <summary>
/// What a name, id or digest resolved to: the image (manifest, optional index, id) and every name that points
/// at the same image id. <see cref="ByName"/> is the name that was asked for, when one was.
/// </summary>
public sealed record ResolvedImage(Digest Id, Descriptor Manifest, Descriptor? Index, ImmutableArray<ImageRecord> Names, ImageRecord? ByName);
