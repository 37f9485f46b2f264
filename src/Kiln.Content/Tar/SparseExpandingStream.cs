using System.Collections.Immutable;

namespace Kiln.Content.Tar;

/// <summary>Reads a sparse entry as the whole file: stored bytes for the data regions, zeros for the holes.</summary>
internal sealed class SparseExpandingStream(Stream stored, ImmutableArray<SparseRegion> map, long size) : Stream
{
    private long _position;
    private int _region;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => size;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_region < map.Length && _position >= map[_region].Offset + map[_region].Length)
        {
            _region++;
        }

        if (_position >= size || buffer.Length == 0)
        {
            return 0;
        }

        if (_region < map.Length && _position >= map[_region].Offset)
        {
            var inRegion = map[_region].Offset + map[_region].Length - _position;
            var read = await stored.ReadAsync(buffer[..(int)Math.Min(buffer.Length, inRegion)], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new TarFormatException("sparse entry ended before its data regions were complete");
            }

            _position += read;
            return read;
        }

        var holeEnd = _region < map.Length ? map[_region].Offset : size;
        var zeros = (int)Math.Min(buffer.Length, holeEnd - _position);
        buffer.Span[..zeros].Clear();
        _position += zeros;
        return zeros;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
