namespace Kiln.Content.Compression;

/// <summary>Compression of a layer blob.</summary>
public sealed record LayerWriterOptions
{
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>
    /// gzip 1-9 or zstd 1-22; null for the default (<see cref="DefaultGzipLevel"/>, <see cref="DefaultZstdLevel"/>).
    /// The same level and the same library version give the same bytes; a different level gives a different digest.
    /// </summary>
    public int? Level { get; init; }

    public const int DefaultGzipLevel = 6;

    public const int DefaultZstdLevel = 3;
}
