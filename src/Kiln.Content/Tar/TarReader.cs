using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using Kiln.Content.Paths;

namespace Kiln.Content.Tar;

/// <summary>
/// A streaming tar reader: ustar, v7, GNU (long names 'L'/'K', base-256 numbers, old sparse 'S' with extension
/// headers) and PAX ('x' and 'g' records, SCHILY.xattr with binary values, GNU sparse 0.0/0.1/1.0). Entry data is
/// never buffered: it is read from the archive stream while the entry is current. Checksums are verified; a
/// truncated archive, a bad checksum or a malformed header is a <see cref="TarFormatException"/> naming the offset.
/// </summary>
/// <remarks>
/// We do not use System.Formats.Tar: it expands neither GNU nor PAX sparse files (the caller gets the packed data or
/// the sparse map as file content) and it decodes PAX values as UTF-8 strings, which corrupts binary xattrs such as
/// security.capability.
/// Types that carry no data (links, directories, devices, fifos) are treated as header-only whatever their size
/// field says, as Go's archive/tar does, so an extractor sees the same entries Docker would.
/// </remarks>
public sealed class TarReader : IAsyncDisposable, IDisposable
{
    /// <summary>Upper bound for one metadata entry (PAX header, GNU long name, sparse map): these are buffered.</summary>
    public const int MaxMetadataSize = 8 << 20;

    private const int MaxSparseRegions = 1 << 20;
    private const string XattrPrefix = "SCHILY.xattr.";

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _header = new byte[TarFields.BlockSize];
    private readonly Dictionary<string, byte[]> _global = new(StringComparer.Ordinal);
    private long _position;
    private long _remaining;
    private int _padding;
    private int _generation;
    private TarEntry? _current;
    private bool _ended;

    public TarReader(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Bytes of the (decompressed) archive consumed so far.</summary>
    public long Position => _position;

    /// <summary>The next entry, or null after the end-of-archive marker. Unread data of the previous entry is skipped.</summary>
    public async ValueTask<TarEntry?> GetNextEntryAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return null;
        }

        await SkipAsync(_remaining + _padding, "entry data", cancellationToken).ConfigureAwait(false);
        _remaining = 0;
        _padding = 0;
        _current = null;
        _generation++;

        List<KeyValuePair<string, byte[]>>? local = null;
        string? longName = null;
        string? longLink = null;
        while (true)
        {
            var offset = _position;
            if (!await ReadBlockAsync(_header, allowEnd: true, cancellationToken).ConfigureAwait(false))
            {
                throw new TarFormatException($"archive truncated at offset {offset}: it ends without the end-of-archive marker");
            }

            if (TarFields.IsZeroBlock(_header))
            {
                // End of archive: two zero blocks. A lone zero block right before the end is accepted (GNU tar does,
                // with a warning); a zero block followed by more headers is not an archive we understand.
                if (await ReadBlockAsync(_header, allowEnd: true, cancellationToken).ConfigureAwait(false) && !TarFields.IsZeroBlock(_header))
                {
                    throw new TarFormatException($"a zero block at offset {offset} is followed by more data");
                }

                if (local is not null || longName is not null || longLink is not null)
                {
                    throw new TarFormatException($"archive ends after an extended header at offset {offset} without its entry");
                }

                _ended = true;
                return null;
            }

            if (!TarFields.ChecksumMatches(_header))
            {
                throw new TarFormatException($"bad header checksum at offset {offset}");
            }

            var flag = (char)_header[156];
            var size = TarFields.Number(_header.AsSpan(124, 12), $"size at offset {offset}");
            if (size < 0)
            {
                throw new TarFormatException($"negative size at offset {offset}");
            }

            switch (flag)
            {
                case 'x':
                    local ??= [];
                    local.AddRange(PaxRecords.Parse(await ReadMetadataAsync(size, "PAX header", cancellationToken).ConfigureAwait(false)));
                    continue;
                case 'g':
                    foreach (var (key, value) in PaxRecords.Parse(await ReadMetadataAsync(size, "PAX global header", cancellationToken).ConfigureAwait(false)))
                    {
                        if (value.Length == 0)
                        {
                            _global.Remove(key);
                        }
                        else
                        {
                            _global[key] = value;
                        }
                    }

                    continue;
                case 'L':
                    longName = LongName(await ReadMetadataAsync(size, "GNU long name", cancellationToken).ConfigureAwait(false), "GNU long name");
                    continue;
                case 'K':
                    longLink = LongName(await ReadMetadataAsync(size, "GNU long link name", cancellationToken).ConfigureAwait(false), "GNU long link name");
                    continue;
                case 'V':
                    await SkipAsync(size + Padding(size), "volume label", cancellationToken).ConfigureAwait(false);
                    continue;
                default:
                    _current = await BuildEntryAsync(flag, size, offset, local, longName, longLink, cancellationToken).ConfigureAwait(false);
                    return _current;
            }
        }
    }

    /// <summary>The current entry's content as the file holds it (sparse holes read as zeros).</summary>
    public Stream OpenData()
    {
        var entry = _current ?? throw new InvalidOperationException("there is no current entry");
        var stored = new TarEntryDataStream(this, _generation);
        return entry.IsSparse ? new SparseExpandingStream(stored, entry.SparseMap, entry.Size) : stored;
    }

    /// <summary>The current entry's stored bytes: for a sparse file the concatenated data regions of <see cref="TarEntry.SparseMap"/>.</summary>
    public Stream OpenStoredData() =>
        _current is null ? throw new InvalidOperationException("there is no current entry") : new TarEntryDataStream(this, _generation);

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal async ValueTask<int> ReadEntryDataAsync(Memory<byte> buffer, int generation, CancellationToken cancellationToken)
    {
        if (generation != _generation)
        {
            throw new InvalidOperationException("the tar reader has moved past this entry");
        }

        if (_remaining == 0 || buffer.Length == 0)
        {
            return 0;
        }

        var wanted = (int)Math.Min(buffer.Length, _remaining);
        var read = await _stream.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw new TarFormatException($"archive truncated at offset {_position}: entry \"{_current?.NameText}\" is missing {_remaining} bytes of data");
        }

        _remaining -= read;
        _position += read;
        return read;
    }

    private static int Padding(long size) => (int)((TarFields.BlockSize - (size % TarFields.BlockSize)) % TarFields.BlockSize);

    private static string LongName(byte[] data, string what)
    {
        // GNU writes the name followed by a NUL; a NUL inside the name would truncate it differently in C tools.
        var span = data.AsSpan().TrimEnd((byte)0);
        return span.Contains((byte)0)
            ? throw new TarFormatException($"{what} contains a NUL byte")
            : FileNameEncoding.Decode(span);
    }

    private static string OptionalText(ReadOnlySpan<byte> field)
    {
        // Owner names are informational; a non-UTF-8 one is dropped rather than failing the archive.
        try
        {
            return TarFields.String(field, "owner name");
        }
        catch (TarFormatException)
        {
            return string.Empty;
        }
    }

    private static DateTimeOffset Seconds(long seconds, long offset) =>
        seconds is < -62135596800L or > 253402300799L
            ? throw new TarFormatException($"modification time out of range at offset {offset}")
            : DateTimeOffset.FromUnixTimeSeconds(seconds);

    private async ValueTask<TarEntry> BuildEntryAsync(
        char flag, long size, long offset, List<KeyValuePair<string, byte[]>>? local, string? longName, string? longLink, CancellationToken cancellationToken)
    {
        var h = _header;
        var magic = h.AsSpan(257, 6);
        var isUstar = magic.SequenceEqual("ustar\0"u8);
        var isGnu = magic.SequenceEqual("ustar "u8);
        var where = $"header at offset {offset}";

        var name = TarFields.Name(h.AsSpan(0, 100));
        if (isUstar && h[345] != 0)
        {
            name = TarFields.Name(h.AsSpan(345, 155)) + "/" + name;
        }

        var linkName = TarFields.Name(h.AsSpan(157, 100));
        var mode = (int)(TarFields.Number(h.AsSpan(100, 8), $"mode in {where}") & 0xFFF);
        var uid = TarFields.Number(h.AsSpan(108, 8), $"uid in {where}");
        var gid = TarFields.Number(h.AsSpan(116, 8), $"gid in {where}");
        var mtime = Seconds(TarFields.Number(h.AsSpan(136, 12), $"mtime in {where}"), offset);
        string userName = string.Empty, groupName = string.Empty;
        long major = 0, minor = 0;
        if (isUstar || isGnu)
        {
            userName = OptionalText(h.AsSpan(265, 32));
            groupName = OptionalText(h.AsSpan(297, 32));
            major = TarFields.Number(h.AsSpan(329, 8), $"device major in {where}");
            minor = TarFields.Number(h.AsSpan(337, 8), $"device minor in {where}");
        }

        var type = flag switch
        {
            '0' or '7' or 'S' => TarEntryKind.RegularFile,
            '\0' => name.EndsWith('/') ? TarEntryKind.Directory : TarEntryKind.RegularFile,
            '1' => TarEntryKind.HardLink,
            '2' => TarEntryKind.SymbolicLink,
            '3' => TarEntryKind.CharacterDevice,
            '4' => TarEntryKind.BlockDevice,
            '5' or 'D' => TarEntryKind.Directory,
            '6' => TarEntryKind.Fifo,
            _ => throw new TarFormatException($"unsupported entry type '{(flag < ' ' || flag > '~' ? $"\\x{(int)flag:x2}" : flag)}' in {where}"),
        };

        name = longName ?? name;
        linkName = longLink ?? linkName;

        // Old GNU sparse: the map is in the header and in extension blocks that are not counted in size.
        var sparse = ImmutableArray<SparseRegion>.Empty;
        var isSparse = false;
        var realSize = size;
        if (flag == 'S')
        {
            isSparse = true;
            var regions = new List<SparseRegion>();
            ReadOldSparse(h.AsSpan(386, 4 * 24), regions, where);
            realSize = TarFields.Number(h.AsSpan(483, 12), $"sparse real size in {where}");
            var extended = h[482] != 0;
            var block = new byte[TarFields.BlockSize];
            while (extended)
            {
                if (!await ReadBlockAsync(block, allowEnd: false, cancellationToken).ConfigureAwait(false))
                {
                    throw new TarFormatException($"archive truncated in the sparse headers of {where}");
                }

                ReadOldSparse(block.AsSpan(0, 21 * 24), regions, where);
                extended = block[504] != 0;
            }

            sparse = [.. regions];
        }

        // PAX: globals first, then this entry's records; an empty local value deletes the global one.
        var pax = new Dictionary<string, byte[]>(_global, StringComparer.Ordinal);
        var xattrs = ImmutableArray.CreateBuilder<TarXattr>();
        List<long>? sparse00 = null;
        if (local is not null)
        {
            foreach (var (key, value) in local)
            {
                if (key is "GNU.sparse.offset" or "GNU.sparse.numbytes")
                {
                    // Format 0.0 repeats these keys, in order, one pair per region.
                    (sparse00 ??= []).Add(PaxRecords.Integer(value, key));
                    continue;
                }

                // An empty xattr record is the empty value (writers put every attribute in, empty ones too),
                // not PAX's "delete this keyword", which would lose the attribute.
                if (value.Length == 0 && !key.StartsWith(XattrPrefix, StringComparison.Ordinal))
                {
                    pax.Remove(key);
                }
                else
                {
                    pax[key] = value;
                }
            }
        }

        foreach (var (key, value) in pax)
        {
            switch (key)
            {
                case "path":
                    name = PaxRecords.Name(value, key);
                    break;
                case "linkpath":
                    linkName = PaxRecords.Name(value, key);
                    break;
                case "size":
                    size = PaxRecords.Integer(value, key);
                    realSize = size;
                    break;
                case "uid":
                    uid = PaxRecords.Integer(value, key);
                    break;
                case "gid":
                    gid = PaxRecords.Integer(value, key);
                    break;
                case "uname":
                    userName = PaxRecords.Text(value, key);
                    break;
                case "gname":
                    groupName = PaxRecords.Text(value, key);
                    break;
                case "mtime":
                    mtime = PaxRecords.Time(value, key);
                    break;
                default:
                    if (key.StartsWith(XattrPrefix, StringComparison.Ordinal) && key.Length > XattrPrefix.Length)
                    {
                        xattrs.Add(new TarXattr(key[XattrPrefix.Length..], [.. value]));
                    }

                    break;
            }
        }

        if (uid < 0 || gid < 0)
        {
            throw new TarFormatException($"negative uid or gid in {where}");
        }

        // GNU dumpdir ('D') is a directory that does carry data (the listing of an incremental dump); it is skipped.
        if (IsHeaderOnly(type) && flag != 'D')
        {
            size = 0;
            realSize = 0;
        }

        _remaining = size;
        _padding = Padding(size);

        // PAX sparse formats (GNU tar's --sparse-version 0.0, 0.1 and 1.0).
        var sparseMajor = pax.TryGetValue("GNU.sparse.major", out var ma) ? Encoding.ASCII.GetString(ma) : null;
        var sparseMinor = pax.TryGetValue("GNU.sparse.minor", out var mi) ? Encoding.ASCII.GetString(mi) : null;
        if (type == TarEntryKind.RegularFile && (sparseMajor is not null || pax.ContainsKey("GNU.sparse.map") || sparse00 is not null))
        {
            isSparse = true;
            if (pax.TryGetValue("GNU.sparse.name", out var sparseName))
            {
                name = PaxRecords.Name(sparseName, "GNU.sparse.name");
            }

            if (sparseMajor == "1" && sparseMinor == "0")
            {
                realSize = pax.TryGetValue("GNU.sparse.realsize", out var rs) ? PaxRecords.Integer(rs, "GNU.sparse.realsize")
                    : throw new TarFormatException($"PAX sparse 1.0 without GNU.sparse.realsize in {where}");
                sparse = await ReadSparseMapFromDataAsync(where, cancellationToken).ConfigureAwait(false);
            }
            else if (sparseMajor is null or "0")
            {
                realSize = pax.TryGetValue("GNU.sparse.size", out var ss) ? PaxRecords.Integer(ss, "GNU.sparse.size")
                    : throw new TarFormatException($"PAX sparse 0.x without GNU.sparse.size in {where}");
                var numbers = pax.TryGetValue("GNU.sparse.map", out var map) ? ParseMapList(Encoding.ASCII.GetString(map), ',', where) : sparse00 ?? [];
                sparse = Pairs(numbers, where);
            }
            else
            {
                throw new TarFormatException($"unsupported GNU sparse format {sparseMajor}.{sparseMinor} in {where}");
            }
        }

        if (isSparse)
        {
            ValidateSparse(sparse, realSize, _remaining, where);
        }

        return new TarEntry
        {
            Kind = type,
            Name = TarEntry.Bytes(name),
            Mode = mode,
            Uid = uid,
            Gid = gid,
            UserName = userName,
            GroupName = groupName,
            ModificationTime = mtime,
            LinkName = type is TarEntryKind.SymbolicLink or TarEntryKind.HardLink ? TarEntry.Bytes(linkName) : [],
            DeviceMajor = major,
            DeviceMinor = minor,
            Size = isSparse ? realSize : size,
            Xattrs = xattrs.ToImmutable(),
            IsSparse = isSparse,
            SparseMap = sparse,
        };
    }

    private static bool IsHeaderOnly(TarEntryKind type) =>
        type is TarEntryKind.HardLink or TarEntryKind.SymbolicLink or TarEntryKind.CharacterDevice
            or TarEntryKind.BlockDevice or TarEntryKind.Directory or TarEntryKind.Fifo;

    private static void ReadOldSparse(ReadOnlySpan<byte> entries, List<SparseRegion> regions, string where)
    {
        for (var i = 0; i + 24 <= entries.Length; i += 24)
        {
            if (entries[i] == 0)
            {
                return;
            }

            if (regions.Count >= MaxSparseRegions)
            {
                throw new TarFormatException($"too many sparse regions in {where}");
            }

            regions.Add(new SparseRegion(
                TarFields.Number(entries.Slice(i, 12), $"sparse offset in {where}"),
                TarFields.Number(entries.Slice(i + 12, 12), $"sparse length in {where}")));
        }
    }

    private static List<long> ParseMapList(string text, char separator, string where)
    {
        var numbers = new List<long>();
        foreach (var part in text.Split(separator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                throw new TarFormatException($"malformed GNU sparse map in {where}");
            }

            numbers.Add(n);
        }

        return numbers;
    }

    private static ImmutableArray<SparseRegion> Pairs(List<long> numbers, string where)
    {
        if (numbers.Count % 2 != 0 || numbers.Count / 2 > MaxSparseRegions)
        {
            throw new TarFormatException($"malformed GNU sparse map in {where}");
        }

        var builder = ImmutableArray.CreateBuilder<SparseRegion>(numbers.Count / 2);
        for (var i = 0; i < numbers.Count; i += 2)
        {
            builder.Add(new SparseRegion(numbers[i], numbers[i + 1]));
        }

        return builder.MoveToImmutable();
    }

    private static void ValidateSparse(ImmutableArray<SparseRegion> map, long realSize, long stored, string where)
    {
        if (realSize < 0)
        {
            throw new TarFormatException($"negative sparse file size in {where}");
        }

        long end = 0;
        long total = 0;
        foreach (var region in map)
        {
            if (region.Offset < end || region.Length < 0 || region.Offset > realSize || region.Length > realSize - region.Offset)
            {
                throw new TarFormatException($"sparse map in {where} has overlapping, unordered or out-of-range regions");
            }

            end = region.Offset + region.Length;
            total += region.Length;
        }

        if (total != stored)
        {
            throw new TarFormatException($"sparse map in {where} describes {total} bytes of data but the entry stores {stored}");
        }
    }

    /// <summary>
    /// Format 1.0 puts the map at the start of the data: decimal numbers, one per line (count, then offset/length
    /// pairs), padded to a block boundary. https://www.gnu.org/software/tar/manual/html_node/Sparse-Formats.html
    /// </summary>
    private async ValueTask<ImmutableArray<SparseRegion>> ReadSparseMapFromDataAsync(string where, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var block = new byte[TarFields.BlockSize];
        long expected = -1;
        var numbers = new List<long>();
        var consumed = 0;
        while (expected < 0 || numbers.Count < expected)
        {
            if (_remaining < TarFields.BlockSize || consumed >= MaxMetadataSize)
            {
                throw new TarFormatException($"GNU sparse 1.0 map in {where} is truncated or too large");
            }

            var read = 0;
            while (read < block.Length)
            {
                read += await ReadEntryDataAsync(block.AsMemory(read), _generation, cancellationToken).ConfigureAwait(false);
            }

            consumed += read;
            foreach (var b in block)
            {
                if (b == (byte)'\n')
                {
                    if (!long.TryParse(text.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                    {
                        throw new TarFormatException($"malformed GNU sparse 1.0 map in {where}");
                    }

                    text.Clear();
                    if (expected < 0)
                    {
                        if (n > MaxSparseRegions)
                        {
                            throw new TarFormatException($"too many sparse regions in {where}");
                        }

                        expected = n * 2;
                    }
                    else
                    {
                        numbers.Add(n);
                    }

                    if (expected >= 0 && numbers.Count == expected)
                    {
                        break;
                    }
                }
                else if (b is >= (byte)'0' and <= (byte)'9')
                {
                    text.Append((char)b);
                }
                else
                {
                    throw new TarFormatException($"malformed GNU sparse 1.0 map in {where}");
                }
            }
        }

        return Pairs(numbers, where);
    }

    private async ValueTask<byte[]> ReadMetadataAsync(long size, string what, CancellationToken cancellationToken)
    {
        if (size > MaxMetadataSize)
        {
            throw new TarFormatException($"{what} at offset {_position - TarFields.BlockSize} is {size} bytes, more than the {MaxMetadataSize} allowed");
        }

        var data = new byte[size];
        await ReadExactAsync(data, what, cancellationToken).ConfigureAwait(false);
        await SkipAsync(Padding(size), what, cancellationToken).ConfigureAwait(false);
        return data;
    }

    private async ValueTask ReadExactAsync(Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        var read = await _stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        _position += read;
        if (read < buffer.Length)
        {
            throw new TarFormatException($"archive truncated at offset {_position} in {what}");
        }
    }

    private async ValueTask<bool> ReadBlockAsync(byte[] block, bool allowEnd, CancellationToken cancellationToken)
    {
        var read = await _stream.ReadAtLeastAsync(block, block.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        _position += read;
        if (read == 0 && allowEnd)
        {
            return false;
        }

        return read == block.Length ? true : throw new TarFormatException($"archive truncated at offset {_position} inside a header block");
    }

    private async ValueTask SkipAsync(long count, string what, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (count > 0)
            {
                var read = await _stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new TarFormatException($"archive truncated at offset {_position} in {what}: {count} bytes missing");
                }

                count -= read;
                _position += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
