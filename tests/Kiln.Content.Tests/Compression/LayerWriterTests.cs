using Kiln.Content.Compression;
using Kiln.Content.Tar;
using Kiln.Content.Tests.Tar;
using Kiln.Oci;
using Kiln.Content.Tests.Support;

namespace Kiln.Content.Tests.Compression;

public sealed class LayerWriterTests
{
    [Theory]
    [InlineData(LayerCompression.None, null, MediaTypes.OciLayer)]
    [InlineData(LayerCompression.Gzip, null, MediaTypes.OciLayerGzip)]
    [InlineData(LayerCompression.Gzip, 1, MediaTypes.OciLayerGzip)]
    [InlineData(LayerCompression.Zstd, null, MediaTypes.OciLayerZstd)]
    [InlineData(LayerCompression.Zstd, 19, MediaTypes.OciLayerZstd)]
    public async Task Command_line_tools_decompress_the_blob_to_the_tar_and_agree_on_both_digests(LayerCompression compression, int? level, string mediaType)
    {
        Prerequisites.RequireTool("gzip");
        Prerequisites.RequireTool("zstd");
        Prerequisites.RequireTool("sha256sum");
        Prerequisites.RequireTool("setfattr");

        using var temp = new TempDirectory();
        var tree = temp.Combine("tree");
        Directory.CreateDirectory(tree);
        TestTree.CreateUnprivileged(tree);

        var tarPath = temp.Combine("layer.tar");
        var tarFile = File.Create(tarPath);
        await using (tarFile.ConfigureAwait(false))
        {
            await new DirectoryLayerSource(tree).WriteAsync(tarFile, CancellationToken.None);
        }

        var blobPath = temp.Combine("layer.blob");
        LayerBlob blob;
        var blobFile = File.Create(blobPath);
        await using (blobFile.ConfigureAwait(false))
        {
            blob = await LayerWriter.WriteAsync(new DirectoryLayerSource(tree).WriteAsync, blobFile, new LayerWriterOptions { Compression = compression, Level = level }, CancellationToken.None);
        }

        var decompressed = compression switch
        {
            LayerCompression.Gzip => Tool.RunBytes("gzip", ["-dc", blobPath]).Bytes,
            LayerCompression.Zstd => Tool.RunBytes("zstd", ["-dcq", blobPath]).Bytes,
            _ => await File.ReadAllBytesAsync(blobPath),
        };
        Assert.Equal(await File.ReadAllBytesAsync(tarPath), decompressed);
        Assert.Equal("sha256:" + Sha256Sum(tarPath), blob.DiffId.ToString());
        Assert.Equal("sha256:" + Sha256Sum(blobPath), blob.Digest.ToString());
        Assert.Equal(new FileInfo(tarPath).Length, blob.UncompressedSize);
        Assert.Equal(new FileInfo(blobPath).Length, blob.Size);
        Assert.Equal(mediaType, blob.MediaType);
        if (compression == LayerCompression.None)
        {
            Assert.Equal(blob.DiffId, blob.Digest);
        }

        if (compression == LayerCompression.Gzip)
        {
            Tool.Run("gzip", "-tq", blobPath);
        }
    }

    /// <summary>
    /// A plain layer written into the store takes the store writer's hash as its diffID (one SHA-256 pass instead of
    /// two); the digest must still be that of the bytes, as sha256sum computes it, over many pipe segments.
    /// </summary>
    [Fact]
    public async Task A_plain_layer_written_into_the_store_has_the_digest_sha256sum_computes()
    {
        Prerequisites.RequireTool("sha256sum");
        using var temp = new TempDirectory();
        using var root = new TempRoot();
        var content = root.Open();
        var data = new byte[3 * 1024 * 1024 + 12345];
        new Random(7).NextBytes(data);

        LayerBlob blob;
        var writer = await content.OpenWriterAsync(CancellationToken.None);
        await using (writer.ConfigureAwait(false))
        {
            blob = await LayerWriter.WriteAsync(new RaggedStream(data, 3), writer, new LayerWriterOptions { Compression = LayerCompression.None }, CancellationToken.None);
            await writer.CommitAsync(blob.Digest, blob.Size, CancellationToken.None);
        }

        var copy = temp.Combine("blob");
        await using (var stored = await content.OpenReadAsync(blob.Digest, CancellationToken.None))
        await using (var file = File.Create(copy))
        {
            await stored.CopyToAsync(file);
        }

        Assert.Equal(data, await File.ReadAllBytesAsync(copy));
        Assert.Equal("sha256:" + Sha256Sum(copy), blob.DiffId.ToString());
        Assert.Equal(blob.DiffId, blob.Digest);
        Assert.Equal(data.Length, blob.Size);
        Assert.Equal(data.Length, blob.UncompressedSize);
    }

    [Theory]
    [InlineData(1, 0x04)]
    [InlineData(6, 0x00)]
    [InlineData(9, 0x02)]
    public async Task Gzip_header_has_no_time_no_name_and_a_fixed_os(int level, byte extraFlags)
    {
        var output = new MemoryStream();
        await LayerWriter.WriteAsync(new MemoryStream(new byte[10_000]), output, new LayerWriterOptions { Compression = LayerCompression.Gzip, Level = level }, CancellationToken.None);

        // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL OS=3 (Unix): RFC 1952 section 2.3.
        Assert.Equal([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, extraFlags, 0x03], output.ToArray()[..10]);
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task Output_does_not_depend_on_how_the_input_arrives(LayerCompression compression)
    {
        // The pipe hands the compressor whatever the producer has written so far, so chunking varies between runs.
        var data = new byte[3_000_000];
        var random = new Random(7);
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(random.Next(6) == 0 ? random.Next(256) : 'a' + (i % 13));
        }

        var options = new LayerWriterOptions { Compression = compression };
        var whole = await LayerWriter.WriteAsync(new MemoryStream(data), Stream.Null, options, CancellationToken.None);
        for (var seed = 1; seed <= 3; seed++)
        {
            var chunked = await LayerWriter.WriteAsync(new RaggedStream(data, seed), Stream.Null, options, CancellationToken.None);
            Assert.Equal(whole, chunked);
        }

        var produced = await LayerWriter.WriteAsync(
            async (stream, token) =>
            {
                var rng = new Random(99);
                for (var offset = 0; offset < data.Length;)
                {
                    var count = Math.Min(data.Length - offset, rng.Next(1, 200_000));
                    await stream.WriteAsync(data.AsMemory(offset, count), token);
                    offset += count;
                }
            },
            Stream.Null,
            options,
            CancellationToken.None);
        Assert.Equal(whole, produced);
    }

    [Fact]
    public async Task A_failing_producer_fails_the_layer_with_its_error()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LayerWriter.WriteAsync(
            async (stream, token) =>
            {
                await stream.WriteAsync(new byte[3_000_000], token);
                throw new InvalidOperationException("source vanished");
            },
            Stream.Null,
            null,
            CancellationToken.None));
        Assert.Equal("source vanished", error.Message);
    }

    [Fact]
    public async Task A_failing_destination_fails_the_layer_and_stops_the_producer()
    {
        var producerEnded = new TaskCompletionSource();
        var error = await Assert.ThrowsAsync<IOException>(() => LayerWriter.WriteAsync(
            async (stream, token) =>
            {
                try
                {
                    // Far more than the pipe holds: the producer would block forever if nobody completed the pipe.
                    for (var i = 0; i < 1000; i++)
                    {
                        await stream.WriteAsync(new byte[1_000_000], token);
                    }
                }
                finally
                {
                    producerEnded.SetResult();
                }
            },
            new FailingStream(),
            new LayerWriterOptions { Compression = LayerCompression.None },
            CancellationToken.None));
        Assert.Equal("disk full", error.Message);
        await producerEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(LayerCompression.Gzip, 0)]
    [InlineData(LayerCompression.Gzip, 10)]
    [InlineData(LayerCompression.Zstd, 23)]
    public async Task Levels_out_of_range_are_refused(LayerCompression compression, int level) =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            LayerWriter.WriteAsync(new MemoryStream([1]), Stream.Null, new LayerWriterOptions { Compression = compression, Level = level }, CancellationToken.None));

    private static string Sha256Sum(string path) => Tool.Run("sha256sum", path).Split(' ')[0];

    /// <summary>Returns the data in reads of random length.</summary>
    private sealed class RaggedStream(byte[] data, int seed) : MemoryStream(data)
    {
        private readonly Random _random = new(seed);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, _random.Next(1, 70_000))], cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, _random.Next(1, 70_000)));
    }

    private sealed class FailingStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("disk full"));

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("disk full");
    }
}
