using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using Kiln.Content.Paths;

namespace Kiln.Content.Tar;

/// <summary>
/// Writes a POSIX tar (ustar headers, PAX extended headers only where ustar cannot say it) whose bytes depend
/// only on the entries given: no process id in PAX header names (System.Formats.Tar's writer puts one there),
/// no owner names, no sub-second times, PAX records in a fixed order, and no padding to a record size after
/// the two zero blocks that end the archive (Go's archive/tar and Docker's layers have none either).
/// Format: https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html#tag_20_94_13
/// </summary>
public sealed class DeterministicTarWriter : IDisposable
{
    private const int BlockSize = 512;
    private const int BufferSize = 128 * 1024;
    private const int NameSize = 100;
    private const int PrefixSize = 155;

    // The largest values the ustar octal fields hold: 7 digits for ids and devices, 11 for size and mtime.
    private const long MaxOctal7 = 0x1FFFFF; // 07777777
    private const long MaxOctal11 = 0x1FFFFFFFF; // 077777777777

    private static readonly byte[] PaxHeadersDirectory = "PaxHeaders.0"u8.ToArray();

    private readonly Stream _output;
    private readonly long? _clampSeconds;
    private readonly byte[] _probe = new byte[1];
    private readonly byte[] _header = new byte[BlockSize];
    private readonly byte[] _paxHeader = new byte[BlockSize];
    private byte[]? _buffer;
    private int _used;
    private bool _finished;

    /// <param name="output">Receives the archive; left open.</param>
    /// <param name="clampModificationTime">
    /// <c>SOURCE_DATE_EPOCH</c>: later modification times are written as this time, earlier ones unchanged
    /// (https://reproducible-builds.org/specs/source-date-epoch/).
    /// </param>
    public DeterministicTarWriter(Stream output, DateTimeOffset? clampModificationTime = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _clampSeconds = clampModificationTime?.ToUnixTimeSeconds();
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>Bytes of archive produced so far (buffered or written).</summary>
    public long Length { get; private set; }

    /// <summary>
    /// Writes one entry. For a regular file, <paramref name="content"/> must yield exactly
    /// <see cref="TarEntry.Size"/> bytes: fewer, or more, is an error (a file that changed while it was
    /// being archived), never a silently wrong layer.
    /// </summary>
    public async ValueTask WriteEntryAsync(TarEntry entry, Stream? content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        if (_finished)
        {
            throw new InvalidOperationException("the archive is already finished");
        }

        Validate(entry, content);
        var records = BuildHeaders(entry);
        if (records is not null)
        {
            await WriteBytesAsync(_paxHeader, cancellationToken).ConfigureAwait(false);
            await WriteBytesAsync(records, cancellationToken).ConfigureAwait(false);
            await WritePaddingAsync(records.Length, cancellationToken).ConfigureAwait(false);
        }

        await WriteBytesAsync(_header, cancellationToken).ConfigureAwait(false);

        if (entry.Kind == TarEntryKind.RegularFile && entry.Size > 0)
        {
            await CopyContentAsync(entry, content!, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Fills <see cref="_header"/> and, when ustar cannot hold everything, <see cref="_paxHeader"/>; returns the PAX records or null.</summary>
    private byte[]? BuildHeaders(TarEntry entry)
    {
        var name = entry.Kind == TarEntryKind.Directory && entry.Name[^1] != (byte)'/'
            ? entry.Name.Add((byte)'/').AsSpan()
            : entry.Name.AsSpan();
        var mtime = entry.ModificationTime.ToUnixTimeSeconds();
        if (_clampSeconds is { } clamp && mtime > clamp)
        {
            mtime = clamp;
        }

        SortedDictionary<string, byte[]>? pax = null;
        ReadOnlySpan<byte> nameField, prefixField = default;
        if (TrySplitUstarName(name, out var prefix, out var suffix))
        {
            prefixField = prefix;
            nameField = suffix;
        }
        else
        {
            AddPax(ref pax, "path", name.ToArray());
            nameField = AsciiFallback(name, NameSize);
        }

        var link = entry.LinkName.IsDefault ? default : entry.LinkName.AsSpan();
        var linkField = link;
        if (!IsAscii(link) || link.Length > NameSize)
        {
            AddPax(ref pax, "linkpath", link.ToArray());
            linkField = AsciiFallback(link, NameSize);
        }

        // PAX defines path values as UTF-8, but Linux names are bytes. They go in raw, without hdrcharset=BINARY:
        // Go's archive/tar and GNU tar both take the bytes as they are, and GNU tar 1.34 warns about hdrcharset.
        var uid = NumericOrPax(ref pax, "uid", entry.Uid, MaxOctal7);
        var gid = NumericOrPax(ref pax, "gid", entry.Gid, MaxOctal7);
        var size = NumericOrPax(ref pax, "size", entry.Size, MaxOctal11);
        var mtimeField = NumericOrPax(ref pax, "mtime", mtime, MaxOctal11);
        foreach (var xattr in entry.Xattrs.IsDefault ? [] : entry.Xattrs)
        {
            // Go's archive/tar reads these keys raw and accepts any bytes (NUL included) in the value, since
            // records are length-prefixed; GNU tar with --xattrs reads them the same way.
            var key = "SCHILY.xattr." + xattr.Name;
            if (pax is not null && pax.ContainsKey(key))
            {
                throw new ArgumentException($"{Describe(entry.Name)}: extended attribute {xattr.Name} appears twice", nameof(entry));
            }

            AddPax(ref pax, key, xattr.Value.IsDefault ? [] : xattr.Value.AsSpan().ToArray());
        }

        WriteHeader(_header, nameField, prefixField, entry.Mode, uid, gid, size, mtimeField, (byte)entry.Kind, linkField, entry.DeviceMajor, entry.DeviceMinor);
        if (pax is null)
        {
            return null;
        }

        var records = EncodePaxRecords(pax);
        // Go's writeRawFile leaves the device fields of an extended header empty (all NUL), unlike an entry's.
        WriteHeader(_paxHeader, PaxHeaderName(name), default, mode: 0, uid: 0, gid: 0, size: records.Length, mtime: 0, (byte)'x', default, devMajor: null, devMinor: null);
        return records;
    }

    private static void AddPax(ref SortedDictionary<string, byte[]>? pax, string key, byte[] value)
    {
        pax ??= new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        pax[key] = value;
    }

    /// <summary>Writes the two zero blocks that end a tar archive and flushes everything to the output.</summary>
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        if (_finished)
        {
            return;
        }

        await EnsureSpaceAsync(2 * BlockSize, cancellationToken).ConfigureAwait(false);
        _buffer.AsSpan(_used, 2 * BlockSize).Clear();
        Advance(2 * BlockSize);
        await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        _finished = true;
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Validate(TarEntry entry, Stream? content)
    {
        var name = entry.Name.IsDefault ? default : entry.Name.AsSpan();
        if (name.IsEmpty)
        {
            throw new ArgumentException("a tar entry needs a name", nameof(entry));
        }

        var body = entry.Kind == TarEntryKind.Directory && name[^1] == (byte)'/' ? name[..^1] : name;
        if (body.IsEmpty || body[0] == (byte)'/' || body.Contains((byte)0))
        {
            throw new ArgumentException($"{Describe(entry.Name)}: a layer entry name must be relative and free of NUL bytes", nameof(entry));
        }

        foreach (var range in body.Split((byte)'/'))
        {
            var component = body[range];
            if (component.IsEmpty || component.SequenceEqual("."u8) || component.SequenceEqual(".."u8))
            {
                throw new ArgumentException($"{Describe(entry.Name)}: a layer entry name cannot have empty, \".\" or \"..\" components", nameof(entry));
            }
        }

        var isLink = entry.Kind is TarEntryKind.SymbolicLink or TarEntryKind.HardLink;
        var link = entry.LinkName.IsDefault ? default : entry.LinkName.AsSpan();
        if (isLink ? link.IsEmpty || link.Contains((byte)0) : !link.IsEmpty)
        {
            throw new ArgumentException($"{Describe(entry.Name)}: only links have a link name, and it must be non-empty and free of NUL bytes", nameof(entry));
        }

        if (!Enum.IsDefined(entry.Kind))
        {
            throw new ArgumentException($"{Describe(entry.Name)}: unknown entry kind {entry.Kind}", nameof(entry));
        }

        if ((entry.Mode & ~0xFFF) != 0)
        {
            throw new ArgumentException($"{Describe(entry.Name)}: mode {Convert.ToString(entry.Mode, 8)} has bits outside 07777", nameof(entry));
        }

        if (entry.Uid < 0 || entry.Gid < 0 || entry.Size < 0)
        {
            throw new ArgumentException($"{Describe(entry.Name)}: uid, gid and size cannot be negative", nameof(entry));
        }

        if (entry.Kind != TarEntryKind.RegularFile && entry.Size != 0)
        {
            throw new ArgumentException($"{Describe(entry.Name)}: only regular files have content", nameof(entry));
        }

        if (entry.IsSparse)
        {
            throw new ArgumentException($"{Describe(entry.Name)}: sparse entries are not written (a layer stores files whole)", nameof(entry));
        }

        if (entry.Kind == TarEntryKind.RegularFile && entry.Size > 0 && content is null)
        {
            throw new ArgumentException($"{Describe(entry.Name)}: a regular file of {entry.Size} bytes needs its content", nameof(content));
        }

        // Linux device numbers are 12 bits major and 20 bits minor, well inside the 7 octal digits; PAX has no
        // key for them.
        if (entry.DeviceMajor is < 0 or > MaxOctal7 || entry.DeviceMinor is < 0 or > MaxOctal7)
        {
            throw new ArgumentException($"{Describe(entry.Name)}: device numbers must be between 0 and {MaxOctal7}", nameof(entry));
        }

        foreach (var xattr in entry.Xattrs.IsDefault ? [] : entry.Xattrs)
        {
            // '=' ends a PAX keyword: Go refuses such keys and GNU tar percent-escapes them, so no reader would
            // agree on the name.
            if (string.IsNullOrEmpty(xattr.Name) || xattr.Name.Contains('=', StringComparison.Ordinal) || xattr.Name.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"{Describe(entry.Name)}: extended attribute name \"{xattr.Name}\" cannot be written to a tar", nameof(entry));
            }
        }
    }

    /// <summary>
    /// ustar holds a name of up to 100 bytes, or up to 256 split at a '/' into a 155-byte prefix and a
    /// 100-byte name. Like Go's archive/tar, the split takes the last '/' that fits, and only ASCII names are
    /// put there (non-ASCII names go to a PAX path record, which is defined as UTF-8).
    /// </summary>
    private static bool TrySplitUstarName(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> prefix, out ReadOnlySpan<byte> suffix)
    {
        prefix = default;
        suffix = name;
        if (!IsAscii(name))
        {
            return false;
        }

        if (name.Length <= NameSize)
        {
            return true;
        }

        var searchLength = Math.Min(name.Length, PrefixSize + 1);
        if (searchLength == name.Length && name[^1] == (byte)'/')
        {
            searchLength--;
        }

        var slash = name[..searchLength].LastIndexOf((byte)'/');
        if (slash <= 0 || name.Length - slash - 1 is 0 or > NameSize || slash > PrefixSize)
        {
            return false;
        }

        prefix = name[..slash];
        suffix = name[(slash + 1)..];
        return true;
    }

    private static bool IsAscii(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExceptInRange((byte)1, (byte)0x7F);

    /// <summary>What a reader without PAX support sees in place of a name kept in a PAX record: its ASCII bytes, truncated.</summary>
    private static byte[] AsciiFallback(ReadOnlySpan<byte> name, int size)
    {
        var result = new byte[Math.Min(name.Length, size)];
        var length = 0;
        foreach (var b in name)
        {
            if (length == result.Length)
            {
                break;
            }

            if (b is > 0 and < 0x80)
            {
                result[length++] = b;
            }
        }

        return result.AsSpan(0, length).ToArray();
    }

    /// <summary>
    /// The name Go's archive/tar gives an extended header (fixed, unlike GNU tar's and .NET's <c>PaxHeaders.PID</c>):
    /// <c>path.Join(dir, "PaxHeaders.0", file)</c> of <c>path.Split(name)</c>, so <c>dir/PaxHeaders.0/base</c> for a
    /// file and <c>dir/PaxHeaders.0</c> for a directory named <c>dir/</c>; then only its ASCII bytes, cut to 100,
    /// without trailing slashes.
    /// </summary>
    private static byte[] PaxHeaderName(ReadOnlySpan<byte> name)
    {
        var slash = name.LastIndexOf((byte)'/');
        var directory = name[..(slash + 1)];
        var file = name[(slash + 1)..];
        var builder = new List<byte>(name.Length + PaxHeadersDirectory.Length + 2);
        builder.AddRange(directory);
        builder.AddRange(PaxHeadersDirectory);
        if (!file.IsEmpty)
        {
            builder.Add((byte)'/');
            builder.AddRange(file);
        }

        return AsciiFallback(builder.ToArray(), NameSize).AsSpan().TrimEnd((byte)'/').ToArray();
    }

    private static long NumericOrPax(ref SortedDictionary<string, byte[]>? pax, string key, long value, long max)
    {
        if (value >= 0 && value <= max)
        {
            return value;
        }

        // As Go does: the ustar field gets 0 and the PAX record the true (decimal, possibly negative) value.
        AddPax(ref pax, key, Encoding.ASCII.GetBytes(value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return 0;
    }

    /// <summary>"%d %s=%s\n", where the leading length counts the whole record, its own digits included.</summary>
    private static byte[] EncodePaxRecords(SortedDictionary<string, byte[]> pax)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var (key, value) in pax)
        {
            var keyBytes = FileNameEncoding.Encode(key);
            var baseLength = keyBytes.Length + value.Length + 3; // ' ', '=', '\n'
            var digits = DecimalDigits(baseLength);
            if (DecimalDigits(baseLength + digits) > digits)
            {
                digits++;
            }

            var total = baseLength + digits;
            Write(output, Encoding.ASCII.GetBytes(total.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Write(output, " "u8);
            Write(output, keyBytes);
            Write(output, "="u8);
            Write(output, value);
            Write(output, "\n"u8);
        }

        return output.WrittenSpan.ToArray();

        static void Write(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(output.GetSpan(bytes.Length));
            output.Advance(bytes.Length);
        }
    }

    private static int DecimalDigits(long value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    private static void WriteHeader(
        Span<byte> block,
        ReadOnlySpan<byte> nameField,
        ReadOnlySpan<byte> prefixField,
        long mode,
        long uid,
        long gid,
        long size,
        long mtime,
        byte typeflag,
        ReadOnlySpan<byte> linkField,
        long? devMajor,
        long? devMinor)
    {
        block.Clear();
        nameField.CopyTo(block[..NameSize]);
        WriteOctal(block.Slice(100, 8), mode);
        WriteOctal(block.Slice(108, 8), uid);
        WriteOctal(block.Slice(116, 8), gid);
        WriteOctal(block.Slice(124, 12), size);
        WriteOctal(block.Slice(136, 12), mtime);
        block[156] = typeflag;
        linkField.CopyTo(block.Slice(157, NameSize));
        "ustar\0"u8.CopyTo(block[257..]);
        "00"u8.CopyTo(block[263..]);

        // uname (265) and gname (297) stay empty: owners are numeric, so the build host's user names never leak
        // into a digest.
        if (devMajor is { } major && devMinor is { } minor)
        {
            WriteOctal(block.Slice(329, 8), major);
            WriteOctal(block.Slice(337, 8), minor);
        }
        prefixField.CopyTo(block.Slice(345, PrefixSize));

        // The checksum is computed with its own field read as eight spaces, and written as six octal digits,
        // NUL, space (the form GNU tar and Go's archive/tar write).
        "        "u8.CopyTo(block.Slice(148, 8));
        var sum = 0;
        foreach (var b in block)
        {
            sum += b;
        }

        WriteOctal(block.Slice(148, 7), sum);
        block[155] = (byte)' ';
    }

    /// <summary>Zero-padded octal filling all but the last byte of the field, which is NUL.</summary>
    private static void WriteOctal(Span<byte> field, long value)
    {
        field[^1] = 0;
        for (var i = field.Length - 2; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
    }

    private static string Describe(ImmutableArray<byte> name) =>
        name.IsDefaultOrEmpty ? "(unnamed entry)" : FileNameEncoding.Display(name.AsSpan());

    private async ValueTask CopyContentAsync(TarEntry entry, Stream content, CancellationToken cancellationToken)
    {
        var remaining = entry.Size;
        while (remaining > 0)
        {
            if (_used == _buffer!.Length)
            {
                await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
            }

            var want = (int)Math.Min(remaining, _buffer.Length - _used);
            var read = await content.ReadAsync(_buffer.AsMemory(_used, want), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"{Describe(entry.Name)}: content ended after {entry.Size - remaining} of {entry.Size} bytes (did the file change while the layer was written?)");
            }

            Advance(read);
            remaining -= read;
        }

        if (await content.ReadAsync(_probe, cancellationToken).ConfigureAwait(false) != 0)
        {
            throw new IOException($"{Describe(entry.Name)}: content is longer than its {entry.Size} bytes (did the file change while the layer was written?)");
        }

        await WritePaddingAsync(entry.Size, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WritePaddingAsync(long written, CancellationToken cancellationToken)
    {
        var padding = (int)(-written & (BlockSize - 1));
        if (padding > 0)
        {
            await EnsureSpaceAsync(padding, cancellationToken).ConfigureAwait(false);
            _buffer.AsSpan(_used, padding).Clear();
            Advance(padding);
        }
    }

    private async ValueTask WriteBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            if (_used == _buffer!.Length)
            {
                await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
            }

            var count = Math.Min(bytes.Length, _buffer.Length - _used);
            bytes.Span[..count].CopyTo(_buffer.AsSpan(_used));
            Advance(count);
            bytes = bytes[count..];
        }
    }

    private async ValueTask EnsureSpaceAsync(int count, CancellationToken cancellationToken)
    {
        if (_buffer!.Length - _used < count)
        {
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Advance(int count)
    {
        _used += count;
        Length += count;
    }

    private async ValueTask FlushBufferAsync(CancellationToken cancellationToken)
    {
        if (_used > 0)
        {
            await _output.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken).ConfigureAwait(false);
            _used = 0;
        }
    }
}
