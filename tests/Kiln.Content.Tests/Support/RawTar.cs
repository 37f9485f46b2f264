using System.Text;

namespace Kiln.Content.Tests.Support;

/// <summary>
/// Writes tar bytes by hand, header field by header field, so tests can make archives no real tool would:
/// wrong checksums, negative sizes, escaping names, truncated data. Not a tar writer for production.
/// </summary>
internal sealed class RawTar
{
    private readonly List<byte> _bytes = [];

    public RawTar File(string name, string content, int mode = 0x1A4 /* 0644 */, long mtime = 1_600_000_000) =>
        Entry(name, '0', Encoding.UTF8.GetBytes(content), mode: mode, mtime: mtime);

    public RawTar Dir(string name, int mode = 0x1ED /* 0755 */, long mtime = 1_600_000_000) => Entry(name, '5', mode: mode, mtime: mtime);

    public RawTar Symlink(string name, string target) => Entry(name, '2', link: target, mode: 0x1FF);

    public RawTar HardLink(string name, string target) => Entry(name, '1', link: target);

    public RawTar Device(string name, char type, int major, int minor, int mode = 0x1B6) =>
        Entry(name, type, mode: mode, devMajor: major, devMinor: minor);

    /// <summary>A PAX extended header ('x' local, 'g' global) with raw byte values.</summary>
    public RawTar Pax(IEnumerable<(string Key, byte[] Value)> records, char type = 'x')
    {
        var data = new MemoryStream();
        foreach (var (key, value) in records)
        {
            var body = Encoding.UTF8.GetByteCount(key) + value.Length + 3; // ' ', '=', '\n'
            var length = body + body.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
            if (length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length != body.ToString(System.Globalization.CultureInfo.InvariantCulture).Length)
            {
                length++;
            }

            data.Write(Encoding.ASCII.GetBytes($"{length} {key}="));
            data.Write(value);
            data.WriteByte((byte)'\n');
        }

        return Entry("PaxHeaders.0/x", type, data.ToArray());
    }

    public RawTar Pax(params (string Key, string Value)[] records) =>
        Pax(records.Select(r => (r.Key, Encoding.UTF8.GetBytes(r.Value))));

    /// <summary>A GNU long name ('L') or long link ('K') pseudo-entry.</summary>
    public RawTar GnuLong(char type, string name) =>
        Entry("././@LongLink", type, [.. Encoding.UTF8.GetBytes(name), 0], magic: "ustar  \0");

    /// <summary>
    /// One header plus its data. <paramref name="size"/> overrides the size field (for lies about the data);
    /// <paramref name="mutate"/> edits the header before the checksum; <paramref name="checksum"/> false leaves it wrong.
    /// </summary>
    public RawTar Entry(
        string name,
        char type,
        byte[]? data = null,
        string link = "",
        int mode = 0x1A4,
        long uid = 0,
        long gid = 0,
        long mtime = 1_600_000_000,
        long? size = null,
        int devMajor = 0,
        int devMinor = 0,
        string magic = "ustar\000",
        Action<byte[]>? mutate = null,
        bool checksum = true)
    {
        data ??= [];
        var header = new byte[512];
        Put(header, 0, 100, Encoding.UTF8.GetBytes(name));
        Octal(header, 100, 8, mode);
        Octal(header, 108, 8, uid);
        Octal(header, 116, 8, gid);
        Octal(header, 124, 12, size ?? data.Length);
        Octal(header, 136, 12, mtime);
        header[156] = (byte)type;
        Put(header, 157, 100, Encoding.UTF8.GetBytes(link));
        Put(header, 257, 8, Encoding.ASCII.GetBytes(magic));
        Octal(header, 329, 8, devMajor);
        Octal(header, 337, 8, devMinor);
        mutate?.Invoke(header);
        if (checksum)
        {
            SetChecksum(header);
        }

        _bytes.AddRange(header);
        _bytes.AddRange(data);
        _bytes.AddRange(new byte[(512 - (data.Length % 512)) % 512]);
        return this;
    }

    public RawTar Raw(byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] Build(bool endMarker = true)
    {
        if (endMarker)
        {
            _bytes.AddRange(new byte[1024]);
        }

        return [.. _bytes];
    }

    public static void SetChecksum(byte[] header)
    {
        header.AsSpan(148, 8).Fill((byte)' ');
        var sum = header.Sum(b => (long)b);
        Put(header, 148, 8, Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 "));
    }

    public static void Octal(byte[] header, int offset, int length, long value) =>
        Put(header, offset, length, Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(length - 1, '0') + "\0"));

    private static void Put(byte[] header, int offset, int length, byte[] value) =>
        value.AsSpan(0, Math.Min(length, value.Length)).CopyTo(header.AsSpan(offset, length));
}
