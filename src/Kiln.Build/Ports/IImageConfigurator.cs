using System.Collections.Immutable;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>
/// Builds the image config and history exactly as BuildKit writes them. A stage's config advances step by step:
/// every value <see cref="Apply"/> returns is applied to at most once (a stage's steps are a chain); a stage that
/// starts <c>FROM</c> another goes through <see cref="FromStage"/>, which forks the parent's state.
/// </summary>
public interface IImageConfigurator
{
    /// <summary>The config a stage starts from: the base image's, or BuildKit's scratch defaults.</summary>
    ImageConfig Start(BaseImage? image, OciPlatform platform);

    /// <summary><c>FROM stage</c>: a new chain starting at another stage's final config.</summary>
    ImageConfig FromStage(ImageConfig parent);

    /// <summary>Applies one instruction and its history entry.</summary>
    /// <param name="layer">The layer the step made; null for a metadata step (the history entry is <c>empty_layer</c>).</param>
    /// <param name="layerCreated">When the layer was made: this build's time, or the cached build's on a hit.</param>
    ImageConfig Apply(ImageConfig config, BoundStep boundStep, LayerRef? layer, DateTimeOffset layerCreated);

    /// <summary>The target's finished config: <c>--label</c>s merged, times filled or clamped to SOURCE_DATE_EPOCH.</summary>
    ImageConfig Finish(ImageConfig config, ImmutableSortedDictionary<string, string> labels, DateTimeOffset? sourceDateEpoch);
}
