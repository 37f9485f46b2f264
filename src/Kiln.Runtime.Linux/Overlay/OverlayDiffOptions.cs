using Kiln.Content.Compression;

namespace Kiln.Runtime.Linux.Overlay;

/// <summary>How <see cref="OverlayDiffer"/> writes a layer.</summary>
public sealed record OverlayDiffOptions
{
    /// <summary>Modification times later than this are clamped to it (reproducible builds).</summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>Compression; gzip by default.</summary>
    public LayerWriterOptions Layer { get; init; } = new();
}
