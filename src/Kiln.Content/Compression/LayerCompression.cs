namespace Kiln.Content.Compression;

/// <summary>
/// How a layer blob or tarball is compressed. <see cref="LayerWriter"/> writes the first three;
/// <see cref="LayerDecompression"/> recognises all five by their magic bytes and reads the first three.
/// </summary>
public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
    Bzip2,
    Xz,
}
