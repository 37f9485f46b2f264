using Kiln.Content.Compression;

namespace Kiln.Runtime.Linux.Overlay;

/// <summary>How <see cref="OverlayDiffer"/> writes a layer.</summary>
public sealed record OverlayDiffOptions
{
    /// <summary>Modification times later than this are clamped to it (reproducible builds).</summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>
    /// Compression; none by default: a local layer is kept as plain tar and gzipped when it is pushed
    /// (<see cref="Kiln.Content.Images.ImageCompressor"/>).
    /// </summary>
    public LayerWriterOptions Layer { get; init; } = new() { Compression = LayerCompression.None };
}
