using System.Formats.Tar;
using System.IO.Compression;
using Kiln.Cli.Commands;
using Kiln.Dockerfile;

namespace Kiln.Cli.Tests.Build;

/// <summary>
/// <c>kiln build -</c> reads standard input as it comes (issue 13): an archive is extracted while it is read, a
/// Dockerfile is read up to the frontend's limit and no further, and a bad archive is an error, not an exception.
/// </summary>
public sealed class StandardInputStreamingTests
{
    [Fact]
    public async Task A_compressed_archive_is_extracted_from_a_stream_that_cannot_seek()
    {
        var archive = new MemoryStream();
        await using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip))
        {
            await AddAsync(tar, "Dockerfile", "FROM scratch\n");
            await AddAsync(tar, "sub/a.txt", "a\n");
        }

        using var error = new StringWriter();
        using var context = await StandardInputContext.ReadAsync(new PipeLike(archive.ToArray()), null, error, CancellationToken.None);

        Assert.True(context is not null, error.ToString());
        Assert.Equal("a\n", await File.ReadAllTextAsync(Path.Combine(context.ContextPath, "sub", "a.txt")));
        Assert.Equal(Path.Combine(context.ContextPath, "Dockerfile"), context.DockerfilePath);
    }

    [Fact]
    public async Task An_archive_entry_that_leaves_the_context_is_an_error_not_an_exception()
    {
        var archive = new MemoryStream();
        await using (var tar = new TarWriter(archive, leaveOpen: true))
        {
            await AddAsync(tar, "Dockerfile", "FROM scratch\n");
            await AddAsync(tar, "../escape", "x");
        }

        using var error = new StringWriter();
        var context = await StandardInputContext.ReadAsync(new PipeLike(archive.ToArray()), null, error, CancellationToken.None);

        Assert.Null(context);
        Assert.Equal("ERROR: kiln build: the context archive on standard input: archive path \"../escape\" is outside extraction root\n", error.ToString());
    }

    [Fact]
    public async Task Endless_input_that_is_no_archive_stops_at_the_dockerfile_limit()
    {
        // head -c 512M /dev/zero | kiln build -: no archive, so a Dockerfile, read only up to the limit.
        var zeros = new EndlessZeros();
        using var error = new StringWriter();

        var context = await StandardInputContext.ReadAsync(zeros, null, error, CancellationToken.None);

        Assert.Null(context);
        Assert.Equal("ERROR: kiln build: the Dockerfile on standard input is larger than kiln's limit of 16 MiB\n", error.ToString());
        Assert.InRange(zeros.Taken, FrontendLimits.MaxDockerfileBytes + 1, FrontendLimits.MaxDockerfileBytes + (128 * 1024));
    }

    private static async Task AddAsync(TarWriter tar, string name, string text)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) };
        await tar.WriteEntryAsync(entry);
    }

    /// <summary>Bytes as a pipe gives them: forward only, in small reads.</summary>
    private sealed class PipeLike(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 1000), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>/dev/zero that counts what was taken from it.</summary>
    private sealed class EndlessZeros : Stream
    {
        public long Taken { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            Taken += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
