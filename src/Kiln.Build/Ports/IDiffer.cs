namespace Kiln.Build.Ports;

/// <summary>
/// Keeps what a step changed in its root as the step's layer, and turns such a layer into a blob in the content
/// store when an image that contains it is exported.
/// </summary>
public interface IDiffer
{
    /// <summary>
    /// Keeps the root's changes as a layer that is only a snapshot (no blob yet). It ends the mount's use: after it
    /// only disposing the mount is left.
    /// </summary>
    /// <returns>
    /// The new layer. A step that changed nothing still gets one (empty): the config builder's history and the cache
    /// store both expect every RUN, COPY and ADD to make a layer.
    /// </returns>
    Task<LayerRef> CommitAsync(IRootfsMount mount, CancellationToken cancellationToken);

    /// <summary>
    /// The layer as a blob in the content store; a layer that is one already comes back as it is.
    /// </summary>
    /// <param name="sourceDateEpoch">When set, entry mtimes newer than it are clamped to it (reproducible layers).</param>
    Task<LayerRef> ExportAsync(LayerRef layer, DateTimeOffset? sourceDateEpoch, CancellationToken cancellationToken);
}
