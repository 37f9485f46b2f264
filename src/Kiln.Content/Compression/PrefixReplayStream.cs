using Kiln.Content.IO;

namespace Kiln.Content.Compression;

/// <summary>
/// A read-only stream that yields bytes already read from <paramref name="inner"/> (to sniff a format by its
/// magic bytes) and then the rest of <paramref name="inner"/>, so that stdin and pipes can be sniffed too.
/// </summary>
internal sealed class PrefixReplayStream(ReadOnlyMemory<byte> prefix, Stream inner, bool leaveOpen) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty)
        {
            return inner.Read(buffer);
        }

        var count = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..count].CopyTo(buffer);
        _prefix = _prefix[count..];
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefix.IsEmpty)
        {
            return inner.ReadAsync(buffer, cancellationToken);
        }

        var count = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..count].CopyTo(buffer.Span);
        _prefix = _prefix[count..];
        return ValueTask.FromResult(count);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
