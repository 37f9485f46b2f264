using System.IO.Compression;

namespace Kiln.Content.Layers;

/// <summary>
/// Opens a layer blob by its content, not by its media type: registries and archives mislabel layers often enough
/// that Docker and containerd sniff the magic bytes too.
/// </summary>
public static class LayerDecompression
{
    /// <summary>Identifies the compression from the first bytes (at least 6 for a sure answer).</summary>
    public static LayerCompression Detect(ReadOnlySpan<byte> prefix) => prefix switch
    {
        [0x1f, 0x8b, ..] => LayerCompression.Gzip,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => LayerCompression.Zstd,
        [(byte)'B', (byte)'Z', (byte)'h', ..] => LayerCompression.Bzip2,
        [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, ..] => LayerCompression.Xz,
        _ => LayerCompression.None,
    };

    /// <summary>
    /// Returns a stream of the uncompressed tar. bzip2 and xz are recognised and refused with a clear message.
    /// Disposing the result disposes <paramref name="layer"/> unless <paramref name="leaveOpen"/> is set.
    /// </summary>
    public static async ValueTask<Stream> OpenAsync(Stream layer, bool leaveOpen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var prefix = new byte[6];
        var read = await layer.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var compression = Detect(prefix.AsSpan(0, read));
        var replay = new PrefixedReadStream(prefix.AsMemory(0, read), layer, leaveOpen);
        return compression switch
        {
            LayerCompression.Gzip => new GZipStream(replay, CompressionMode.Decompress, leaveOpen: false),
            LayerCompression.Zstd => new ZstdSharp.DecompressionStream(replay, leaveOpen: false),
            LayerCompression.Bzip2 => throw new NotSupportedException("this layer is bzip2-compressed; bzip2 layers are not supported yet"),
            LayerCompression.Xz => throw new NotSupportedException("this layer is xz-compressed; xz layers are not supported yet"),
            _ => replay,
        };
    }
}
