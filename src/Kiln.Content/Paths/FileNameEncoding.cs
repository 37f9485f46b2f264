using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Kiln.Content.Paths;

/// <summary>
/// The one conversion between Linux file names (bytes, any but NUL) and the strings Kiln keeps them in.
/// </summary>
/// <remarks>
/// Valid UTF-8 decodes as UTF-8. Each byte that is not part of a valid UTF-8 sequence becomes the lone surrogate
/// U+DC80..U+DCFF (Python's "surrogateescape", PEP 383: https://peps.python.org/pep-0383/), and encoding turns such
/// a surrogate back into its byte. A strict UTF-8 decoder never yields a lone surrogate (encoded surrogates are
/// invalid UTF-8, and are themselves escaped byte by byte), so decode-then-encode gives the original bytes for
/// every name. .NET's own conversions (System.IO, Encoding.UTF8, StringMarshalling.Utf8) replace invalid bytes
/// with U+FFFD and lone surrogates with EF BF BD, so a name like Latin-1 "caf\xE9" would be lost; every boundary
/// between a name and the kernel or a tar header goes through this type instead. Since '/' and NUL are ASCII, they
/// never fall inside an escaped or multi-byte sequence: decoding a path and decoding its components one by one
/// give the same string.
/// </remarks>
public static class FileNameEncoding
{
    private const char EscapeBase = '\uDC00';

    /// <summary>Orders names by their bytes, as Go's sort.Strings and filepath.Walk do (not by UTF-16 code units).</summary>
    public static IComparer<string> ByteOrder { get; } = Comparer<string>.Create(Compare);

    /// <summary>The name for <paramref name="bytes"/>: UTF-8, with each invalid byte carried as U+DC80..U+DCFF.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        // The common case (valid UTF-8, which includes ASCII) is one call to the framework's decoder.
        if (Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var builder = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == OperationStatus.Done)
            {
                builder.Append(rune.ToString());
                bytes = bytes[consumed..];
                continue;
            }

            // Only the first byte of an invalid sequence is escaped; decoding resumes at the next one, so a valid
            // sequence right after an invalid byte is still read as text.
            builder.Append((char)(EscapeBase + bytes[0]));
            bytes = bytes[1..];
        }

        return builder.ToString();
    }

    /// <summary>The bytes of <paramref name="name"/>; the exact inverse of <see cref="Decode"/>.</summary>
    /// <exception cref="ArgumentException">The name holds a lone surrogate that no decoded name can contain.</exception>
    public static byte[] Encode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var result = new byte[GetByteCount(name)];
        Encode(name, result);
        return result;
    }

    /// <summary>How many bytes <see cref="Encode(string)"/> gives.</summary>
    public static int GetByteCount(ReadOnlySpan<char> name)
    {
        if (!HasSurrogate(name))
        {
            return Encoding.UTF8.GetByteCount(name);
        }

        var count = 0;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (IsEscapedByte(c))
            {
                count++;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                count += 4;
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw Unencodable(c);
            }
            else
            {
                count += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }

        return count;
    }

    /// <summary>Writes the bytes of <paramref name="name"/> to <paramref name="destination"/>; returns how many.</summary>
    public static int Encode(ReadOnlySpan<char> name, Span<byte> destination)
    {
        if (!HasSurrogate(name))
        {
            return Encoding.UTF8.GetBytes(name, destination);
        }

        var written = 0;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (IsEscapedByte(c))
            {
                destination[written++] = (byte)(c - EscapeBase);
                continue;
            }

            Rune rune;
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                rune = new Rune(c, name[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                throw Unencodable(c);
            }
            else
            {
                rune = new Rune(c);
            }

            written += rune.EncodeToUtf8(destination[written..]);
        }

        return written;
    }

    /// <summary>
    /// <paramref name="name"/> for a message or the progress display: escaped bytes shown as <c>\xNN</c> (as GNU tar
    /// and Python show them), everything else as it is. Never used for anything that reaches a file or a layer.
    /// </summary>
    public static string Display(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!HasSurrogate(name))
        {
            return name;
        }

        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (IsEscapedByte(c))
            {
                builder.Append("\\x").Append(((int)(c - EscapeBase)).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary><see cref="Display(string)"/> of the name for <paramref name="bytes"/>.</summary>
    public static string Display(ReadOnlySpan<byte> bytes) => Display(Decode(bytes));

    /// <summary>Compares two names by their bytes (see <see cref="ByteOrder"/>).</summary>
    public static int Compare(string? left, string? right)
    {
        if (left is null || right is null)
        {
            return left is null ? (right is null ? 0 : -1) : 1;
        }

        // Without surrogates (pairs or escapes) UTF-16 order is code point order, which is UTF-8 byte order. With
        // them it is not: a supplementary character (F0..F4 in bytes) sorts before U+E000..U+FFFF (EE, EF) in
        // UTF-16, and an escaped byte is not a code point at all.
        if (!HasSurrogate(left) && !HasSurrogate(right))
        {
            return string.CompareOrdinal(left, right);
        }

        var leftBytes = ArrayPool<byte>.Shared.Rent(GetByteCount(left));
        var rightBytes = ArrayPool<byte>.Shared.Rent(GetByteCount(right));
        try
        {
            var l = Encode(left, leftBytes);
            var r = Encode(right, rightBytes);
            return leftBytes.AsSpan(0, l).SequenceCompareTo(rightBytes.AsSpan(0, r));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(leftBytes);
            ArrayPool<byte>.Shared.Return(rightBytes);
        }
    }

    private static bool IsEscapedByte(char c) => c is >= '\uDC80' and <= '\uDCFF';

    private static bool HasSurrogate(ReadOnlySpan<char> text) => text.ContainsAnyInRange('\uD800', '\uDFFF');

    private static ArgumentException Unencodable(char c) =>
        new($"a file name holds the lone surrogate U+{(int)c:X4}, which stands for no byte");
}
