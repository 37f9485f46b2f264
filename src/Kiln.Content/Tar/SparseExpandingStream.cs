using System.Collections.Immutable;
using Kiln.Content.IO;

namespace Kiln.Content.Tar;

/// <summary>Reads a sparse entry as the whole file: stored bytes for the data regions, zeros for the holes.</summary>
internal sealed class SparseExpandingStream(Stream stored, ImmutableArray<SparseRegion> map, long size) : ReadOnlyStream
{
    private long _position;
    private int _region;

    public override long Length => size;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer) => ReadThroughAsync(buffer);

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
}
