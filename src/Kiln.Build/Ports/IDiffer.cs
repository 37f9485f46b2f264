namespace Kiln.Build.Ports;

/// <summary>
/// Turns what a step changed in its root into a layer blob in the content store. It ends the mount's use: after it
/// the root may be unmounted, and only disposing the mount is left.
/// </summary>
public interface IDiffer
{
    /// <param name="sourceDateEpoch">When set, entry mtimes newer than it are clamped to it (reproducible layers).</param>
    /// <returns>
    /// The new layer. A step that changed nothing still gets one (an empty tar): the config builder's history and
    /// the cache store both expect every RUN, COPY and ADD to make a layer.
    /// </returns>
    Task<LayerRef> DiffAsync(IRootfsMount mount, DateTimeOffset? sourceDateEpoch, CancellationToken cancellationToken);
}
