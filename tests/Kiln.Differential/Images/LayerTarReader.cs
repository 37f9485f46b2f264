using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Kiln.Differential.Images;

/// <summary>
/// Reads the members of a layer tar: ustar (with its name prefix), GNU long names ('L', 'K'), PAX local and global
/// records (path, linkpath, size, uid, gid, mtime, SCHILY.xattr.*), octal and base-256 numbers; a gzip layer is
/// decompressed first. Written for this suite rather than reusing Kiln.Content's reader on purpose: the judge of
/// Kiln's layers must not share Kiln's code, and names must stay bytes even when they are not UTF-8.
/// </summary>
internal static class LayerTarReader
{
    /// <summary>Files up to this size keep their content, so a report can show what differs.</summary>
    public const int KeptContentSize = 256;

    private const int Block = 512;

    public static List<LayerEntry> Read(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        var isGzip = file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        using Stream stream = isGzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        return Read(stream, path);
    }

    private static List<LayerEntry> Read(Stream stream, string what)
    {
        var entries = new List<LayerEntry>();
        var header = new byte[Block];
        var global = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        Dictionary<string, byte[]>? local = null;
        byte[]? longName = null, longLink = null;
        while (true)
        {
            if (!ReadBlock(stream, header))
            {
                return entries; // some writers end without the two zero blocks
            }

            if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                return entries;
            }

            var type = (char)header[156];
            var size = Number(header.AsSpan(124, 12));
            switch (type)
            {
                case 'x':
                    local ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
                    ParsePax(ReadData(stream, size), local);
                    continue;
                case 'g':
                    ParsePax(ReadData(stream, size), global);
                    continue;
                case 'L':
                    longName = TrimNul(ReadData(stream, size));
                    continue;
                case 'K':
                    longLink = TrimNul(ReadData(stream, size));
                    continue;
                default:
                    break;
            }

            var records = new Dictionary<string, byte[]>(global, StringComparer.Ordinal);
            foreach (var (key, value) in local ?? [])
            {
                records[key] = value;
            }

            var name = CString(header.AsSpan(0, 100));
            if (header.AsSpan(257, 6).SequenceEqual("ustar\0"u8) && header[345] != 0)
            {
                name = [.. CString(header.AsSpan(345, 155)), (byte)'/', .. name];
            }

            name = records.TryGetValue("path", out var paxPath) ? paxPath : longName ?? name;
            var link = records.TryGetValue("linkpath", out var paxLink) ? paxLink : longLink ?? CString(header.AsSpan(157, 100));
            if (records.TryGetValue("size", out var paxSize))
            {
                size = long.Parse(Encoding.ASCII.GetString(paxSize), CultureInfo.InvariantCulture);
            }

            var (seconds, nanoseconds) = records.TryGetValue("mtime", out var paxTime) ? PaxTime(paxTime) : (Number(header.AsSpan(136, 12)), 0);
            var xattrs = ImmutableSortedDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
            foreach (var (key, value) in records)
            {
                if (key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal))
                {
                    xattrs[key["SCHILY.xattr.".Length..]] = value;
                }
            }

            if (type is '\0' or '7')
            {
                type = '0';
            }

            if (type is not ('0' or '1' or '2' or '3' or '4' or '5' or '6'))
            {
                throw new InvalidDataException($"{what}: unexpected tar type '{type}' for {Encoding.UTF8.GetString(name)}");
            }

            // Only regular files carry data in a layer; Go's archive/tar reads the others as header-only too.
            var dataSize = type == '0' ? size : 0;
            var (sha, content) = HashData(stream, dataSize);
            entries.Add(new LayerEntry
            {
                Name = name,
                Type = type,
                Mode = (int)(Number(header.AsSpan(100, 8)) & 0xFFF),
                Uid = records.TryGetValue("uid", out var uid) ? long.Parse(Encoding.ASCII.GetString(uid), CultureInfo.InvariantCulture) : Number(header.AsSpan(108, 8)),
                Gid = records.TryGetValue("gid", out var gid) ? long.Parse(Encoding.ASCII.GetString(gid), CultureInfo.InvariantCulture) : Number(header.AsSpan(116, 8)),
                Size = dataSize,
                MtimeSeconds = seconds,
                MtimeNanoseconds = nanoseconds,
                LinkName = type is '1' or '2' ? link : [],
                DeviceMajor = type is '3' or '4' ? Number(header.AsSpan(329, 8)) : 0,
                DeviceMinor = type is '3' or '4' ? Number(header.AsSpan(337, 8)) : 0,
                Xattrs = xattrs.ToImmutable(),
                ContentSha256 = sha,
                ShortContent = content,
            });
            local = null;
            longName = null;
            longLink = null;
        }
    }

    private static bool ReadBlock(Stream stream, byte[] block)
    {
        var read = stream.ReadAtLeast(block, Block, throwOnEndOfStream: false);
        return read == Block || (read == 0 ? false : throw new InvalidDataException("tar truncated inside a header"));
    }

    private static byte[] ReadData(Stream stream, long size)
    {
        var data = new byte[size];
        stream.ReadExactly(data);
        Skip(stream, Padding(size));
        return data;
    }

    private static (string Sha, byte[]? Content) HashData(Stream stream, long size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        byte[]? content = size <= KeptContentSize ? new byte[size] : null;
        long done = 0;
        while (done < size)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, size - done));
            if (read == 0)
            {
                throw new InvalidDataException("tar truncated inside a file");
            }

            hash.AppendData(buffer, 0, read);
            if (content is not null)
            {
                buffer.AsSpan(0, read).CopyTo(content.AsSpan((int)done));
            }

            done += read;
        }

        Skip(stream, Padding(size));
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), content);
    }

    private static void Skip(Stream stream, long count)
    {
        var buffer = new byte[Block];
        while (count > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            count -= read > 0 ? read : throw new InvalidDataException("tar truncated");
        }
    }

    private static long Padding(long size) => (Block - (size % Block)) % Block;

    private static byte[] CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return (end < 0 ? field : field[..end]).ToArray();
    }

    private static byte[] TrimNul(byte[] data) => data.AsSpan().TrimEnd((byte)0).ToArray();

    /// <summary>Octal ASCII, or GNU base-256 (high bit of the first byte set) for numbers that do not fit.</summary>
    private static long Number(ReadOnlySpan<byte> field)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            Span<byte> tail = stackalloc byte[8];
            field[^8..].CopyTo(tail);
            return BinaryPrimitives.ReadInt64BigEndian(tail);
        }

        var text = Encoding.ASCII.GetString(field).Trim('\0', ' ');
        return text.Length == 0 ? 0 : Convert.ToInt64(text, 8);
    }

    /// <summary>PAX records: "LENGTH KEY=VALUE\n", the length counting the whole record; values are bytes.</summary>
    private static void ParsePax(byte[] data, Dictionary<string, byte[]> into)
    {
        var at = 0;
        while (at < data.Length)
        {
            var space = Array.IndexOf(data, (byte)' ', at);
            var length = int.Parse(Encoding.ASCII.GetString(data, at, space - at), CultureInfo.InvariantCulture);
            var record = data.AsSpan(space + 1, length - (space + 1 - at) - 1);
            var equals = record.IndexOf((byte)'=');
            into[Encoding.UTF8.GetString(record[..equals])] = record[(equals + 1)..].ToArray();
            at += length;
        }
    }

    private static (long Seconds, int Nanoseconds) PaxTime(byte[] value)
    {
        var text = Encoding.ASCII.GetString(value);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return (long.Parse(text, CultureInfo.InvariantCulture), 0);
        }

        var fraction = text[(dot + 1)..].PadRight(9, '0')[..9];
        return (long.Parse(text[..dot], CultureInfo.InvariantCulture), int.Parse(fraction, CultureInfo.InvariantCulture));
    }
}
