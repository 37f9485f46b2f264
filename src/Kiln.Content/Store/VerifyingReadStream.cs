using Kiln.Oci;

namespace Kiln.Content.Store;

/// <summary>
/// A blob opened for reading. It hashes what passes through and, when the end is reached, throws
/// <see cref="BlobCorruptException"/> instead of returning end-of-stream if the bytes do not match
/// the digest, so a consumer that reads to the end never silently accepts corrupt content.
/// </summary>
internal sealed class VerifyingReadStream : Stream
{
    private readonly FileStream _file;
    private readonly DigestHasher _hasher;
    private readonly Digest _expected;
    private readonly FileLock? _lease;
    private long _position;
    private bool _verified;

    public VerifyingReadStream(FileStream file, Digest expected, FileLock? lease)
    {
        _file = file;
        _expected = expected;
        _lease = lease;
        _hasher = DigestHasher.Create(expected.Algorithm);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _file.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("a verified blob stream reads front to back");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _file.Read(buffer);
        return Account(buffer[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..read]);
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.Length > 0)
        {
            _hasher.Append(data);
            _position += data.Length;
            return data.Length;
        }

        // An empty destination buffer also reads 0; only a real end of file is the end of the blob.
        if (!_verified && _position >= _file.Length)
        {
            var actual = _hasher.Finish();
            if (actual != _expected)
            {
                throw new BlobCorruptException(_expected, actual, _file.Name);
            }

            _verified = true;
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("a verified blob stream reads front to back");

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _hasher.Dispose();
            _lease?.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        _hasher.Dispose();
        _lease?.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
