using Kiln.Content.Compression;
using Kiln.Oci;

namespace Kiln.Content.Archives;

/// <summary>
/// What <c>kiln import</c> makes of a rootfs tarball: the name, the platform the config states, the container
/// config (after <c>--change</c>), the source named in the history comment (<c>Imported from SOURCE</c>, as
/// docker writes it; <c>-</c> for standard input) and the creation time (now, or <c>SOURCE_DATE_EPOCH</c>).
/// </summary>
public sealed record ImportRequest(ImageReference Name, OciPlatform Platform, ContainerConfig Config, string Source, OciTimestamp Created)
{
    /// <summary>
    /// The layer's compression; none by default: local layers are plain tar, gzipped when pushed
    /// (<see cref="Images.ImageCompressor"/>).
    /// </summary>
    public LayerWriterOptions Layer { get; init; } = new() { Compression = LayerCompression.None };
}
