using System.IO.Compression;

namespace Kiln.Content.Compression;

/// <summary>
/// Opens a layer blob or a tarball by its content, not by its name or media type: registries and archives mislabel
/// layers often enough that Docker and containerd sniff the magic bytes too (and docker import and docker load do
/// the same for tarballs). bzip2 and xz, which Docker also accepts, are recognised and refused with a clear
/// message: .NET has no decoder for them.
/// </summary>
public static class LayerDecompression
{
    /// <summary>How many leading bytes <see cref="Detect"/> needs for a sure answer.</summary>
    public const int SniffLength = 6;

    /// <summary>Identifies the compression from the first bytes (at least <see cref="SniffLength"/> for a sure answer).</summary>
    public static LayerCompression Detect(ReadOnlySpan<byte> prefix) => prefix switch
    {
        [0x1f, 0x8b, ..] => LayerCompression.Gzip,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => LayerCompression.Zstd,
        [(byte)'B', (byte)'Z', (byte)'h', ..] => LayerCompression.Bzip2,
        [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, ..] => LayerCompression.Xz,
        _ => LayerCompression.None,
    };

    /// <summary>
    /// Returns a stream of the uncompressed tar. bzip2 and xz are refused with a <see cref="NotSupportedException"/>.
    /// Disposing the result disposes <paramref name="layer"/> unless <paramref name="leaveOpen"/> is set.
    /// </summary>
    public static async ValueTask<Stream> OpenAsync(Stream layer, bool leaveOpen, CancellationToken cancellationToken) =>
        (await OpenAsync(layer, leaveOpen, "this layer", cancellationToken).ConfigureAwait(false)).Stream;

    /// <summary>
    /// The uncompressed bytes of <paramref name="input"/> and how it was compressed; <paramref name="what"/> names the
    /// input in the <see cref="NotSupportedException"/> for bzip2 and xz. Works on pipes: the sniffed bytes are replayed.
    /// </summary>
    public static async ValueTask<(Stream Stream, LayerCompression Compression)> OpenAsync(Stream input, bool leaveOpen, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var prefix = new byte[SniffLength];
        var read = await input.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var compression = Detect(prefix.AsSpan(0, read));
        if (compression is LayerCompression.Bzip2 or LayerCompression.Xz)
        {
            var name = compression == LayerCompression.Bzip2 ? "bzip2" : "xz";
            throw new NotSupportedException($"{what} is {name}-compressed; only uncompressed, gzip and zstd tars are supported");
        }

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
