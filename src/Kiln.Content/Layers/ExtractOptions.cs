namespace Kiln.Content.Layers;

/// <summary>How <see cref="LayerExtractor"/> applies a layer.</summary>
public sealed record ExtractOptions
{
    public static ExtractOptions Default { get; } = new();

    public WhiteoutMode Whiteouts { get; init; } = WhiteoutMode.Apply;

    /// <summary>
    /// Whether to act as root: set owners, create devices, write trusted.* xattrs. Null means "if the effective uid is 0".
    /// </summary>
    public bool? Privileged { get; init; }

    /// <summary>Keep the extracting user as owner even when privileged (rootless-style unpacking).</summary>
    public bool IgnoreOwnership { get; init; }

    /// <summary>Refuse a layer whose uncompressed tar is larger than this (a decompression-bomb guard). Null: no limit.</summary>
    public long? MaxUncompressedBytes { get; init; }
}
