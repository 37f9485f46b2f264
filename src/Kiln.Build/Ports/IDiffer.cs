namespace Kiln.Build.Ports;

/// <summary>Turns what a step changed in its root into a layer blob in the content store.</summary>
public interface IDiffer
{
    /// <param name="sourceDateEpoch">When set, entry mtimes newer than it are clamped to it (reproducible layers).</param>
    /// <returns>The new layer, or null when the step changed nothing (BuildKit then adds no layer).</returns>
    Task<LayerRef?> DiffAsync(IRootfsMount mount, DateTimeOffset? sourceDateEpoch, CancellationToken cancellationToken);
}
