using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>
/// Builds the image config and history exactly as BuildKit writes them. Pure: the solver keeps the layers and
/// the rootfs diff_ids; the configurator only needs to know whether a step added one.
/// </summary>
public interface IImageConfigurator
{
    /// <summary>The config a stage starts from: the base image's, or BuildKit's scratch defaults.</summary>
    ImageConfig Start(BaseImage? image, OciPlatform platform);

    /// <summary>Applies one instruction and its history entry.</summary>
    /// <param name="layerAdded">False makes the history entry <c>empty_layer</c>.</param>
    /// <param name="created">The build time, or SOURCE_DATE_EPOCH.</param>
    ImageConfig Apply(ImageConfig config, BoundStep boundStep, bool layerAdded, DateTimeOffset created);
}
