namespace Kiln.Build.Ports;

/// <summary>What a cache entry gives back for a step: its layer, or null when the step changed nothing.</summary>
public sealed record CachedStep(LayerRef? Layer);
