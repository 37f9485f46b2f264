using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Build.Export;

/// <summary>What one <c>--output</c> did: the names given in the local store, where files went, what was pushed.</summary>
public sealed record OutputResult(OutputType Type, Digest Manifest, ImmutableArray<ImageReference> Named, string? Destination, ImmutableArray<ImageReference> Pushed);
