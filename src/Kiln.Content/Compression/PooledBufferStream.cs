using System.Buffers;

namespace Kiln.Content.Compression;

/// <summary>
/// A write-only, growable in-memory sink on arrays from <paramref name="pool"/>, for one compressed gzip block.
/// <see cref="Detach"/> hands the array to the caller, who returns it to the pool; otherwise disposing returns it.
/// </summary>
internal sealed class PooledBufferStream(ArrayPool<byte> pool, int initialCapacity) : Stream
{
    private byte[]? _buffer = pool.Rent(initialCapacity);

    private int _length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    /// <summary>Gives up the array; the caller owns it (and returns it to the pool). Nothing may be written afterwards.</summary>
    public byte[] Detach()
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(PooledBufferStream));
        _buffer = null;
        return buffer;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var current = _buffer ?? throw new ObjectDisposedException(nameof(PooledBufferStream));
        if (buffer.Length > current.Length - _length)
        {
            var grown = pool.Rent((int)Math.Min(Array.MaxLength, Math.Max((long)current.Length * 2, (long)_length + buffer.Length)));
            current.AsSpan(0, _length).CopyTo(grown);
            pool.Return(current);
            _buffer = current = grown;
        }

        buffer.CopyTo(current.AsSpan(_length));
        _length += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer is { } buffer)
        {
            _buffer = null;
            pool.Return(buffer);
        }

        base.Dispose(disposing);
    }
}
