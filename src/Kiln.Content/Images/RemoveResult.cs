using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Content.Images;

/// <summary>What <see cref="ImageStore.RemoveAsync"/> did: the names removed and whether any name still points at the image.</summary>
public sealed record RemoveResult(Digest Id, ImmutableArray<ImageReference> Untagged, bool StillReferenced);
