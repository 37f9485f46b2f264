using System.Text;
using Kiln.Content.Paths;

namespace Kiln.Content.Tar;

/// <summary>
/// PAX extended header records: "LENGTH KEY=VALUE\n" where LENGTH counts the whole record in bytes. The length prefix
/// is what lets a value carry any byte (SCHILY.xattr values are binary), so values stay bytes until interpreted.
/// </summary>
/// <remarks>https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html#tag_20_94_13_03</remarks>
internal static class PaxRecords
{
    public static List<KeyValuePair<string, byte[]>> Parse(ReadOnlySpan<byte> data)
    {
        var records = new List<KeyValuePair<string, byte[]>>();
        var pos = 0;
        while (pos < data.Length)
        {
            // GNU tar and others pad the last block with NULs after the final record.
            if (data[pos] == 0 && !data[pos..].ContainsAnyExcept((byte)0))
            {
                break;
            }

            var space = data[pos..].IndexOf((byte)' ');
            if (space <= 0 || space > 20)
            {
                throw new TarFormatException("PAX header: malformed record length");
            }

            long length = 0;
            foreach (var c in data.Slice(pos, space))
            {
                if (c is < (byte)'0' or > (byte)'9')
                {
                    throw new TarFormatException("PAX header: malformed record length");
                }

                length = (length * 10) + (c - '0');
            }

            if (length <= space + 1 || length > data.Length - pos)
            {
                throw new TarFormatException("PAX header: record length out of range");
            }

            var record = data.Slice(pos, (int)length);
            if (record[^1] != (byte)'\n')
            {
                throw new TarFormatException("PAX header: record does not end with a newline");
            }

            var body = record[(space + 1)..^1];
            var equals = body.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw new TarFormatException("PAX header: record without a key");
            }

            var key = body[..equals];
            if (key.Contains((byte)0))
            {
                throw new TarFormatException("PAX header: key contains a NUL byte");
            }

            // Keys are taken as names are: an xattr's name (SCHILY.xattr.NAME) is bytes on Linux as a file's is.
            records.Add(new(FileNameEncoding.Decode(key), body[(equals + 1)..].ToArray()));
            pos += (int)length;
        }

        return records;
    }

    /// <summary>A path or linkpath value: any bytes but NUL, carried through <see cref="FileNameEncoding"/>.</summary>
    public static string Name(byte[] value, string key) =>
        value.AsSpan().Contains((byte)0)
            ? throw new TarFormatException($"PAX {key} contains a NUL byte")
            : FileNameEncoding.Decode(value);

    public static string Text(byte[] value, string key)
    {
        var text = TarFields.Utf8(value, $"PAX {key}");
        return text.Contains('\0', StringComparison.Ordinal)
            ? throw new TarFormatException($"PAX {key} contains a NUL byte")
            : text;
    }

    public static long Integer(byte[] value, string key)
    {
        var text = Encoding.ASCII.GetString(value);
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new TarFormatException($"PAX {key}: \"{text}\" is not a non-negative integer");
    }

    /// <summary>A PAX time: decimal seconds since the epoch, optionally negative and with a fraction.</summary>
    public static DateTimeOffset Time(byte[] value, string key)
    {
        var text = Encoding.ASCII.GetString(value);
        var negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        var dot = digits.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? digits : digits[..dot];
        var fraction = dot < 0 ? string.Empty : digits[(dot + 1)..];
        if (!long.TryParse(whole, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || !fraction.All(char.IsAsciiDigit)
            || seconds > 253402300799L)
        {
            throw new TarFormatException($"PAX {key}: \"{text}\" is not a valid time");
        }

        // 100 ns ticks: the first 7 fraction digits.
        var ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0')[..7], System.Globalization.CultureInfo.InvariantCulture);
        var total = (seconds * TimeSpan.TicksPerSecond) + ticks;
        try
        {
            return DateTimeOffset.UnixEpoch.AddTicks(negative ? -total : total);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new TarFormatException($"PAX {key}: \"{text}\" is out of range", e);
        }
    }
}
