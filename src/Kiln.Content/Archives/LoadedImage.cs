using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Content.Archives;

/// <summary>An image <c>kiln load</c> put in the store: its names (maybe none), image id and manifest.</summary>
public sealed record LoadedImage(ImmutableArray<ImageReference> Names, Digest Id, Descriptor Manifest, Descriptor? Index);
