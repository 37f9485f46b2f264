using System.Collections.Immutable;
using Kiln.Build.Ports;
using Kiln.Oci;

namespace Kiln.Build.Solver;

/// <summary>A built stage: its config, its layers (base ones included) and the cache key of its last step.</summary>
internal sealed record StageResult(ImageConfig Config, ImmutableArray<LayerRef> Layers, Digest CacheKey)
{
    public long Size => Layers.Sum(l => l.Size);

    /// <summary>While the stage is built: its steps never look the cache up (<c>--no-cache</c>, <c>--no-cache-filter</c>).</summary>
    public bool IgnoresCache { get; init; }
}
