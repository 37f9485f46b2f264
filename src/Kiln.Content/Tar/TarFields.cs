using System.Text;
using Kiln.Content.Paths;

namespace Kiln.Content.Tar;

/// <summary>Decoding of the fixed header fields (POSIX ustar, GNU and v7 layouts).</summary>
/// <remarks>https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html#tag_20_94_13_06 and
/// https://www.gnu.org/software/tar/manual/html_node/Standard.html</remarks>
internal static class TarFields
{
    public const int BlockSize = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A NUL-terminated (or field-filling) text field that must be UTF-8 (an owner name): we refuse rather than guess.</summary>
    public static string String(ReadOnlySpan<byte> field, string what)
    {
        var end = field.IndexOf((byte)0);
        return Utf8(end < 0 ? field : field[..end], what);
    }

    /// <summary>
    /// A NUL-terminated (or field-filling) file name. Names are bytes, not text: any bytes are taken, carried
    /// through <see cref="FileNameEncoding"/> so that they are written back exactly.
    /// </summary>
    public static string Name(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return FileNameEncoding.Decode(end < 0 ? field : field[..end]);
    }

    public static string Utf8(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new TarFormatException($"{what} is not valid UTF-8", e);
        }
    }

    /// <summary>
    /// A numeric field: octal digits (leading spaces/NULs, trailing space/NUL), or GNU base-256 when the high bit of
    /// the first byte is set (0x80 positive, 0xff negative, big-endian two's complement).
    /// </summary>
    public static long Number(ReadOnlySpan<byte> field, string what)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            var negative = field[0] == 0xff;
            if (!negative && field[0] != 0x80)
            {
                throw new TarFormatException($"{what}: invalid base-256 marker 0x{field[0]:x2}");
            }

            // Value bytes after the marker; more than 8 significant bytes cannot fit a long.
            ulong value = 0;
            var significant = 0;
            for (var i = 1; i < field.Length; i++)
            {
                var b = negative ? (byte)~field[i] : field[i];
                if (significant > 0 || b != 0)
                {
                    significant++;
                }

                if (significant > 8 || (significant == 8 && (value >> 55) != 0))
                {
                    throw new TarFormatException($"{what}: base-256 number too large");
                }

                value = (value << 8) | b;
            }

            if (value > long.MaxValue)
            {
                throw new TarFormatException($"{what}: base-256 number too large");
            }

            return negative ? -(long)value - 1 : (long)value;
        }

        var pos = 0;
        while (pos < field.Length && (field[pos] == (byte)' ' || field[pos] == 0))
        {
            pos++;
        }

        long result = 0;
        for (; pos < field.Length; pos++)
        {
            var c = field[pos];
            if (c == 0 || c == (byte)' ')
            {
                // Only terminators may follow the digits.
                for (var rest = pos; rest < field.Length; rest++)
                {
                    if (field[rest] != 0 && field[rest] != (byte)' ')
                    {
                        throw new TarFormatException($"{what}: invalid octal number");
                    }
                }

                break;
            }

            if (c is < (byte)'0' or > (byte)'7')
            {
                throw new TarFormatException($"{what}: invalid octal number");
            }

            if (result > (long.MaxValue >> 3))
            {
                throw new TarFormatException($"{what}: octal number too large");
            }

            result = (result << 3) | (long)(c - '0');
        }

        return result;
    }

    /// <summary>
    /// POSIX: the checksum is the sum of the header bytes as unsigned chars with the checksum field taken as spaces.
    /// Some historic tars summed signed chars; like GNU tar we accept either.
    /// </summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> header)
    {
        long stored;
        try
        {
            stored = Number(header.Slice(148, 8), "checksum");
        }
        catch (TarFormatException)
        {
            return false;
        }

        long unsigned = 0;
        long signed = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += b;
            signed += (sbyte)b;
        }

        return stored == unsigned || stored == signed;
    }

    public static bool IsZeroBlock(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);
}
