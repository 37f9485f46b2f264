using System.IO.Compression;
using Kiln.Content.Compression;

namespace Kiln.Content.Archives;

/// <summary>
/// Opens a tarball or layer by its magic bytes, not its name or media type (docker import and docker load sniff
/// the same way). bzip2 and xz, which docker also accepts, are recognised and refused with a clear message:
/// .NET has no decoder for them.
/// </summary>
internal static class ArchiveDecompression
{
    private const int SniffLength = 6;

    public static LayerCompression? Detect(ReadOnlySpan<byte> prefix, out string? unsupported)
    {
        unsupported = null;
        switch (prefix)
        {
            case [0x1f, 0x8b, ..]:
                return LayerCompression.Gzip;
            case [0x28, 0xb5, 0x2f, 0xfd, ..]:
                return LayerCompression.Zstd;
            case [(byte)'B', (byte)'Z', (byte)'h', ..]:
                unsupported = "bzip2";
                return null;
            case [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, ..]:
                unsupported = "xz";
                return null;
            default:
                return LayerCompression.None;
        }
    }

    /// <summary>The uncompressed bytes of <paramref name="input"/> and how it was compressed.</summary>
    public static async Task<(Stream Stream, LayerCompression Compression)> OpenAsync(Stream input, bool leaveOpen, string what, CancellationToken cancellationToken)
    {
        var prefix = new byte[SniffLength];
        var read = await input.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var compression = Detect(prefix.AsSpan(0, read), out var unsupported)
            ?? throw new ArchiveException($"{what} is {unsupported}-compressed; only uncompressed, gzip and zstd tarballs are supported");
        var replay = new PrefixReplayStream(prefix.AsMemory(0, read), input, leaveOpen);
        Stream stream = compression switch
        {
            LayerCompression.Gzip => new GZipStream(replay, CompressionMode.Decompress, leaveOpen: false),
            LayerCompression.Zstd => new ZstdSharp.DecompressionStream(replay, leaveOpen: false),
            _ => replay,
        };
        return (stream, compression);
    }
}
