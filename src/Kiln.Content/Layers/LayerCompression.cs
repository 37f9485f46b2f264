namespace Kiln.Content.Layers;

/// <summary>What a layer blob's first bytes say it is.</summary>
public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
    Bzip2,
    Xz,
}
