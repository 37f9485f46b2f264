using System.IO.Compression;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Kiln.Content.Compression;
using Kiln.Content.Tests.Support;

namespace Kiln.Content.Tests.Compression;

public sealed class ParallelGzipWriterTests
{
    private const int Block = ParallelGzipWriter.BlockSize;

    [Fact]
    public void A_flushed_deflate_block_ends_on_an_empty_stored_block_that_is_not_final()
    {
        // The writer relies on these zlib semantics of DeflateStream.Flush (Z_SYNC_FLUSH); check them here rather than trust them.
        var data = MixedData(300_000, seed: 3);
        var output = new MemoryStream();
        byte[] flushed;
        using (var deflate = new DeflateStream(output, new ZLibCompressionOptions { CompressionLevel = 3 }, leaveOpen: true))
        {
            deflate.Write(data);
            deflate.Flush();
            flushed = output.ToArray();
        }

        var disposed = output.ToArray();

        // An empty stored block: BTYPE 00, then LEN 0x0000 and NLEN 0xFFFF on a byte boundary (RFC 1951 section 3.2.4).
        Assert.Equal([0x00, 0x00, 0xFF, 0xFF], flushed[^4..]);

        // Dispose appends the final block after what Flush wrote; that tail is what the writer drops.
        Assert.True(disposed.Length > flushed.Length);
        Assert.Equal(flushed, disposed[..flushed.Length]);

        // All input is in the flushed bytes, and they are not final: another deflate stream may follow them.
        var second = MixedData(50_000, seed: 4);
        var next = new MemoryStream();
        using (var deflate = new DeflateStream(next, new ZLibCompressionOptions { CompressionLevel = 3 }, leaveOpen: true))
        {
            deflate.Write(second);
        }

        Assert.Equal([.. data, .. second], Inflate([.. flushed, .. next.ToArray()]));

        // Closed by an empty final block (what the writer appends when the input ends on a block boundary), they are the input.
        Assert.Equal(data, Inflate([.. flushed, 0x03, 0x00]));

        // That block is written by hand because a DeflateStream given nothing writes nothing, not even a final block.
        var empty = new MemoryStream();
        using (new DeflateStream(empty, new ZLibCompressionOptions { CompressionLevel = 3 }, leaveOpen: true))
        {
        }

        Assert.Equal(0, empty.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Block - 1)]
    [InlineData(Block)]
    [InlineData(Block + 1)]
    [InlineData((3 * Block) + 12_345)]
    public async Task GNU_gzip_zcat_and_LayerDecompression_give_back_the_exact_input(int size)
    {
        Prerequisites.RequireTool("gzip");
        Prerequisites.RequireTool("zcat");
        var data = MixedData(size, seed: size);
        using var temp = new TempDirectory();
        var path = temp.Combine("blob.gz");
        await File.WriteAllBytesAsync(path, await GzipAsync(data, level: 3, workers: 3));

        Tool.Run("gzip", "-t", path);
        Assert.Equal(data, Tool.RunBytes("zcat", [path]).Bytes);

        var blob = File.OpenRead(path);
        await using (blob.ConfigureAwait(false))
        {
            var (stream, compression) = await LayerDecompression.OpenAsync(blob, leaveOpen: false, "test blob", CancellationToken.None);
            await using (stream.ConfigureAwait(false))
            {
                Assert.Equal(LayerCompression.Gzip, compression);
                var back = new MemoryStream();
                await stream.CopyToAsync(back);
                Assert.Equal(data, back.ToArray());
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public async Task Every_level_gives_a_valid_member_with_the_header_GZipStream_writes(int level)
    {
        Prerequisites.RequireTool("gzip");
        var data = MixedData((2 * Block) + 7, seed: level);
        var ours = await GzipAsync(data, level, workers: 2);

        var reference = new MemoryStream();
        using (var gzip = new GZipStream(reference, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
        {
            gzip.Write(data);
        }

        Assert.Equal(reference.ToArray()[..10], ours[..10]);
        using var temp = new TempDirectory();
        var path = temp.Combine("blob.gz");
        await File.WriteAllBytesAsync(path, ours);
        Assert.Equal(data, Tool.RunBytes("gzip", ["-dc", path]).Bytes);
    }

    [Fact]
    public async Task Output_is_the_same_for_one_four_and_the_default_number_of_workers()
    {
        var data = MixedData((5 * Block) + 54_321, seed: 11);
        var one = await GzipAsync(data, level: 3, workers: 1);
        var four = await GzipAsync(data, level: 3, workers: 4);
        Assert.Equal(one, four);

        // The default path: LayerWriter on Environment.ProcessorCount workers, input arriving in ragged pieces.
        var output = new MemoryStream();
        var blob = await LayerWriter.WriteAsync(
            async (stream, token) =>
            {
                var random = new Random(5);
                for (var offset = 0; offset < data.Length;)
                {
                    var count = Math.Min(data.Length - offset, random.Next(1, 300_000));
                    await stream.WriteAsync(data.AsMemory(offset, count), token);
                    offset += count;
                }
            },
            output,
            null,
            CancellationToken.None);
        Assert.Equal(one, output.ToArray());
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(one)), blob.Digest.ToString());
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(data)), blob.DiffId.ToString());
        Assert.Equal(data.Length, blob.UncompressedSize);
        Assert.Equal(one.Length, blob.Size);
    }

    [Fact]
    public async Task Compressed_size_stays_close_to_a_single_stream()
    {
        var data = MixedData(4 * Block, seed: 21);
        var ours = await GzipAsync(data, level: 3, workers: 2);
        var reference = new MemoryStream();
        using (var gzip = new GZipStream(reference, new ZLibCompressionOptions { CompressionLevel = 3 }, leaveOpen: true))
        {
            gzip.Write(data);
        }

        // Each block restarts without the previous 32 KiB of history: a small loss, not a different ratio.
        Assert.InRange(ours.Length, reference.Length * 0.98, reference.Length * 1.02);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_failing_destination_fails_the_layer_and_stops_the_producer(int failAfterWrites)
    {
        var producerEnded = new TaskCompletionSource();
        var error = await Assert.ThrowsAsync<IOException>(() => LayerWriter.WriteAsync(
            async (stream, token) =>
            {
                try
                {
                    var chunk = MixedData(1_000_000, seed: 1);
                    for (var i = 0; i < 200; i++)
                    {
                        await stream.WriteAsync(chunk, token);
                    }
                }
                finally
                {
                    producerEnded.SetResult();
                }
            },
            new FailingStream(failAfterWrites),
            new LayerWriterOptions { Compression = LayerCompression.Gzip },
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("disk full", error.Message);
        await producerEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_producer_failing_with_blocks_in_flight_fails_the_layer_with_its_error()
    {
        var pipe = new Pipe();
        var writer = Task.Run(async () =>
        {
            await pipe.Writer.WriteAsync(MixedData(6 * Block, seed: 2));
            await pipe.Writer.CompleteAsync(new InvalidOperationException("source vanished"));
        });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            LayerWriter.CompressGzipAsync(pipe.Reader, Stream.Null, 3, workers: 4, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("source vanished", error.Message);
        await writer;
    }

    [Fact]
    public async Task A_stalled_destination_holds_back_the_producer_after_a_bounded_number_of_blocks()
    {
        const int workers = 4;
        var data = MixedData(24 * Block, seed: 8);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: LayerWriter.PauseWriterThreshold, resumeWriterThreshold: LayerWriter.PauseWriterThreshold / 2));
        long produced = 0;
        var producer = Task.Run(async () =>
        {
            for (var offset = 0; offset < data.Length; offset += 64 * 1024)
            {
                await pipe.Writer.WriteAsync(data.AsMemory(offset, Math.Min(64 * 1024, data.Length - offset)));
                Interlocked.Exchange(ref produced, offset + (64 * 1024));
            }

            await pipe.Writer.CompleteAsync();
        });
        var destination = new GatedStream();
        var write = LayerWriter.CompressGzipAsync(pipe.Reader, destination, 3, workers, CancellationToken.None);

        // Wait until the producer stops advancing (the destination took only the header), with blocks queued.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long seen;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the producer never filled the workers and then stalled");
            seen = Interlocked.Read(ref produced);
            await Task.Delay(500);
        }
        while (Interlocked.Read(ref produced) != seen || seen < workers * Block);

        // `workers` blocks in flight, one being filled, and what the pipe holds: never the whole input.
        Assert.InRange(seen, workers * Block, ((workers + 1) * Block) + LayerWriter.PauseWriterThreshold + (64 * 1024));
        Assert.False(write.IsCompleted);

        destination.Open();
        await write.WaitAsync(TimeSpan.FromSeconds(60));
        await producer;
        using var inflate = new GZipStream(new MemoryStream(destination.ToArray()), CompressionMode.Decompress);
        var back = new MemoryStream();
        await inflate.CopyToAsync(back);
        Assert.Equal(data, back.ToArray());
    }

    [Fact]
    public async Task Cancellation_stops_the_write_without_hanging()
    {
        using var cancellation = new CancellationTokenSource();
        var producerEnded = new TaskCompletionSource();
        var write = LayerWriter.WriteAsync(
            async (stream, token) =>
            {
                try
                {
                    var chunk = MixedData(256 * 1024, seed: 9);
                    for (var i = 0; ; i++)
                    {
                        if (i == 40)
                        {
                            await cancellation.CancelAsync();
                        }

                        await stream.WriteAsync(chunk, token);
                    }
                }
                finally
                {
                    producerEnded.SetResult();
                }
            },
            Stream.Null,
            null,
            cancellation.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(TimeSpan.FromSeconds(60)));
        await producerEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<byte[]> GzipAsync(byte[] data, int level, int workers)
    {
        var output = new MemoryStream();
        var reader = PipeReader.Create(new MemoryStream(data));
        await LayerWriter.CompressGzipAsync(reader, output, level, workers, CancellationToken.None);
        await reader.CompleteAsync();
        return output.ToArray();
    }

    private static byte[] Inflate(byte[] deflate)
    {
        using var inflate = new DeflateStream(new MemoryStream(deflate), CompressionMode.Decompress);
        var output = new MemoryStream();
        inflate.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Runs of text, of random bytes and of zeros: stored, fixed and dynamic deflate blocks all occur.</summary>
    private static byte[] MixedData(int size, int seed)
    {
        var data = new byte[size];
        var random = new Random(seed);
        for (var offset = 0; offset < size;)
        {
            var run = Math.Min(size - offset, random.Next(1, 200_000));
            var span = data.AsSpan(offset, run);
            switch (random.Next(3))
            {
                case 0:
                    for (var i = 0; i < span.Length; i++)
                    {
                        span[i] = (byte)("the quick brown fox jumps over the lazy dog\n"[(offset + i) % 44] ^ (random.Next(50) == 0 ? 1 : 0));
                    }

                    break;
                case 1:
                    random.NextBytes(span);
                    break;
                default:
                    span.Clear();
                    break;
            }

            offset += run;
        }

        return data;
    }

    /// <summary>A destination that takes the first write (the gzip header), then waits for <see cref="Open"/>.</summary>
    private sealed class GatedStream : MemoryStream
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _writes;

        public void Open() => _gate.SetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_writes++ > 0)
            {
                await _gate.Task.WaitAsync(cancellationToken);
            }

            Write(buffer.Span);
        }
    }

    /// <summary>A destination that accepts <c>failAfterWrites</c> writes, then fails like a full disk.</summary>
    private sealed class FailingStream(int failAfterWrites) : MemoryStream
    {
        private int _writes;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_writes++ >= failAfterWrites)
            {
                throw new IOException("disk full");
            }
        }
    }
}
