using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Registry.Transfer;

/// <summary>
/// What a pull fetched. <see cref="Root"/> is what the reference resolved to (an index, or the manifest itself),
/// kept with its bytes so callers can record the repo digest; only the chosen manifest and its blobs went to the sink.
/// </summary>
public sealed record PullResult(
    RegistryManifest Root,
    RegistryManifest Manifest,
    Descriptor Config,
    ImmutableArray<Descriptor> Layers)
{
    /// <summary>Blobs downloaded (the rest were in the sink already).</summary>
    public int Downloaded { get; init; }
}
