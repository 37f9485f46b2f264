namespace Kiln.Build.Ports;

/// <summary>What a cache entry gives back for a step: its layer and when the build that made it made it.</summary>
public sealed record CachedStep(LayerRef Layer, DateTimeOffset Created);
