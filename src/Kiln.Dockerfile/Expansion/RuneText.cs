using System.Globalization;
using System.Text;

namespace Kiln.Dockerfile.Expansion;

/// <summary>
/// Code-point level helpers with Go's semantics. BuildKit scans words rune by rune (Go's
/// <c>text/scanner</c>), so a surrogate pair is one character for <c>?</c>, for reversal and for
/// name scanning. A lone surrogate is kept as a one-unit "rune" of its own value so text
/// round-trips unchanged (Go would have turned the equivalent invalid byte into U+FFFD).
/// </summary>
internal static class RuneText
{
    public const int Eof = -1;

    public static int RuneAt(string text, int index, out int width)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, text[index + 1]);
        }

        width = 1;
        return c;
    }

    public static void Append(StringBuilder builder, int rune)
    {
        if (rune < 0x10000)
        {
            builder.Append((char)rune);
        }
        else
        {
            builder.Append(char.ConvertFromUtf32(rune));
        }
    }

    public static string ToText(int rune)
    {
        if (rune == Eof)
        {
            return string.Empty;
        }

        return rune < 0x10000 ? ((char)rune).ToString() : char.ConvertFromUtf32(rune);
    }

    public static int[] ToRunes(string text)
    {
        var runes = new List<int>(text.Length);
        for (var i = 0; i < text.Length;)
        {
            runes.Add(RuneAt(text, i, out var width));
            i += width;
        }

        return [.. runes];
    }

    public static string FromRunes(ReadOnlySpan<int> runes)
    {
        var builder = new StringBuilder(runes.Length);
        foreach (var rune in runes)
        {
            Append(builder, rune);
        }

        return builder.ToString();
    }

    /// <summary>Go's <c>unicode.IsSpace</c>: the Unicode White_Space property.</summary>
    public static bool IsSpace(int rune) => rune switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or 0x85 or 0xA0 => true,
        0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        >= 0x2000 and <= 0x200A => true,
        _ => false,
    };

    /// <summary>Go's <c>unicode.IsLetter</c>: general categories Lu, Ll, Lt, Lm, Lo.</summary>
    public static bool IsLetter(int rune) => rune >= 0 && Category(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
        _ => false,
    };

    /// <summary>Go's <c>unicode.IsDigit</c>: category Nd, so e.g. Arabic-Indic digits count too.</summary>
    public static bool IsDigit(int rune) => rune >= 0 && Category(rune) == UnicodeCategory.DecimalDigitNumber;

    private static UnicodeCategory Category(int rune) =>
        rune < 0x10000 ? CharUnicodeInfo.GetUnicodeCategory((char)rune) : CharUnicodeInfo.GetUnicodeCategory(rune);
}
