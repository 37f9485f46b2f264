using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Kiln.Content.Store;
using Kiln.Oci;
using ZstdSharp;

namespace Kiln.Content.Compression;

/// <summary>
/// Turns a tar stream into a layer blob in one pass: the tar is hashed (diffID) as it enters the compressor,
/// and the compressed bytes are hashed as they leave for the destination. Nothing is held whole in memory:
/// between a tar producer and the compressor sits a pipe that pauses the producer at
/// <see cref="PauseWriterThreshold"/> bytes, and the producer runs on its own thread so that reading files
/// and compressing overlap. gzip compresses on up to <see cref="Environment.ProcessorCount"/> threads in
/// fixed-size blocks (<see cref="ParallelGzipWriter"/>), with the same bytes whatever the number of threads.
/// </summary>
public static class LayerWriter
{
    /// <summary>At most this much tar waits in the pipe for the compressor.</summary>
    public const int PauseWriterThreshold = 1024 * 1024;

    /// <summary>
    /// The zstd compressor always receives input in chunks of exactly this size (the last one shorter), whatever
    /// sizes the pipe delivers: a streaming compressor may produce different output for the same data written in
    /// different pieces (zlib-ng does, a test shows it), and the pipe's pieces depend on thread timing. gzip cuts its
    /// input the same way, in <see cref="ParallelGzipWriter.BlockSize"/> blocks.
    /// </summary>
    internal const int ChunkSize = 128 * 1024;

    /// <summary>Runs <paramref name="writeTar"/> and writes what it produces to <paramref name="destination"/> as a layer blob.</summary>
    public static async Task<LayerBlob> WriteAsync(
        Func<Stream, CancellationToken, Task> writeTar,
        Stream destination,
        LayerWriterOptions? options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeTar);
        ArgumentNullException.ThrowIfNull(destination);
        var pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: PauseWriterThreshold,
            resumeWriterThreshold: PauseWriterThreshold / 2,
            minimumSegmentSize: 64 * 1024,
            useSynchronizationContext: false));

        var producer = Task.Run(
            async () =>
            {
                try
                {
                    var stream = pipe.Writer.AsStream(leaveOpen: true);
                    await using (stream.ConfigureAwait(false))
                    {
                        await writeTar(stream, cancellationToken).ConfigureAwait(false);
                    }

                    await pipe.Writer.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    await pipe.Writer.CompleteAsync(exception).ConfigureAwait(false);
                    throw;
                }
            },
            cancellationToken);

        LayerBlob blob;
        try
        {
            blob = await CompressAsync(pipe.Reader, destination, options, cancellationToken).ConfigureAwait(false);
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The consumer's failure is the one to report: the producer then fails only because the pipe closed.
            await pipe.Reader.CompleteAsync(exception).ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // its failure is a consequence of ours
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            throw;
        }

        await producer.ConfigureAwait(false);
        return blob;
    }

    /// <summary>Writes an existing tar stream (e.g. a rootfs to import) to <paramref name="destination"/> as a layer blob.</summary>
    public static async Task<LayerBlob> WriteAsync(Stream tar, Stream destination, LayerWriterOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tar);
        ArgumentNullException.ThrowIfNull(destination);
        var reader = PipeReader.Create(tar, new StreamPipeReaderOptions(bufferSize: 128 * 1024, leaveOpen: true));
        try
        {
            var blob = await CompressAsync(reader, destination, options, cancellationToken).ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            return blob;
        }
        catch (Exception exception)
        {
            await reader.CompleteAsync(exception).ConfigureAwait(false);
            throw;
        }
    }

    private static Task<LayerBlob> CompressAsync(PipeReader reader, Stream destination, LayerWriterOptions? options, CancellationToken cancellationToken)
    {
        options ??= new LayerWriterOptions();
        return options.Compression == LayerCompression.Gzip
            ? CompressGzipAsync(reader, destination, CheckLevel(options.Level ?? LayerWriterOptions.DefaultGzipLevel, 1, 9), Environment.ProcessorCount, cancellationToken)
            : CompressStreamingAsync(reader, destination, options, cancellationToken);
    }

    /// <summary>gzip on up to <paramref name="workers"/> threads; the bytes do not depend on their number (see <see cref="ParallelGzipWriter"/>).</summary>
    internal static async Task<LayerBlob> CompressGzipAsync(PipeReader reader, Stream destination, int level, int workers, CancellationToken cancellationToken)
    {
        using var diffId = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var blob = new HashingWriteStream(destination);
        var gzip = new ParallelGzipWriter(blob, level, workers);
        await using (gzip.ConfigureAwait(false))
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                foreach (var segment in result.Buffer)
                {
                    diffId.AppendData(segment.Span);
                    await gzip.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await gzip.FinishAsync(cancellationToken).ConfigureAwait(false);
        }

        await blob.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new LayerBlob(
            Digest.FromSha256Hash(blob.GetHashAndReset()),
            blob.BytesWritten,
            Digest.FromSha256Hash(diffId.GetHashAndReset()),
            gzip.Length,
            MediaTypes.OciLayerGzip);
    }

    private static async Task<LayerBlob> CompressStreamingAsync(PipeReader reader, Stream destination, LayerWriterOptions options, CancellationToken cancellationToken)
    {
        // An uncompressed blob is the tar itself, and its digest the diffID. The store's writer hashes what it
        // writes: its digest is taken instead of hashing the same bytes twice (0.1 s of CPU for a 220 MB layer).
        var storeHashes = options.Compression == LayerCompression.None && destination is IngestStream { Algorithm: "sha256" };
        using var diffId = storeHashes ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var blob = new HashingWriteStream(destination);
        var compressor = CreateCompressor(blob, options);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var filled = 0;
        long uncompressedSize = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                foreach (var segment in result.Buffer)
                {
                    var remaining = segment;
                    while (!remaining.IsEmpty)
                    {
                        var count = Math.Min(remaining.Length, ChunkSize - filled);
                        remaining.Span[..count].CopyTo(chunk.AsSpan(filled));
                        filled += count;
                        remaining = remaining[count..];
                        if (filled == ChunkSize)
                        {
                            await FeedAsync(diffId, compressor, chunk.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                            uncompressedSize += filled;
                            filled = 0;
                        }
                    }
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await FeedAsync(diffId, compressor, chunk.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
            uncompressedSize += filled;

            // Disposing a compressor writes the end of its stream (gzip trailer, last zstd block).
            if (options.Compression != LayerCompression.None)
            {
                await compressor.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // Release the compressor's native state; what it writes on the way out no longer matters, and its
            // own failure (often the same full disk) must not hide the first one.
            if (options.Compression != LayerCompression.None)
            {
                try
                {
                    await compressor.DisposeAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // the original exception is rethrown below
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }

            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        await blob.FlushAsync(cancellationToken).ConfigureAwait(false);
        var diffDigest = diffId is null ? ((IngestStream)destination).CurrentDigest : Digest.FromSha256Hash(diffId.GetHashAndReset());
        var blobDigest = options.Compression == LayerCompression.None ? diffDigest : Digest.FromSha256Hash(blob.GetHashAndReset());
        var mediaType = options.Compression == LayerCompression.Zstd ? MediaTypes.OciLayerZstd : MediaTypes.OciLayer;
        return new LayerBlob(blobDigest, blob.BytesWritten, diffDigest, uncompressedSize, mediaType);
    }

    private static async ValueTask FeedAsync(IncrementalHash? diffId, Stream compressor, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!data.IsEmpty)
        {
            diffId?.AppendData(data.Span);
            await compressor.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Stream CreateCompressor(HashingWriteStream output, LayerWriterOptions options) => options.Compression switch
    {
        // An uncompressed blob is the tar itself: its digest is the diffID, hashed once (above).
        LayerCompression.None => output.WithoutHashing(),

        LayerCompression.Zstd => new CompressionStream(
            output,
            CheckLevel(options.Level ?? LayerWriterOptions.DefaultZstdLevel, 1, 22),
            bufferSize: 0,
            leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Compression, "layers are written uncompressed, gzip- or zstd-compressed"),
    };

    private static int CheckLevel(int level, int min, int max) =>
        level >= min && level <= max ? level : throw new ArgumentOutOfRangeException(nameof(level), level, $"compression level must be between {min} and {max}");
}
