using System.Globalization;
using System.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// Go's <c>strconv.Quote</c>, which BuildKit's <c>Node.Dump()</c> uses for every argument and flag.
/// Printable runes (Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and
/// U+0020) are kept literally; everything else is escaped the way Go spells it.
/// </summary>
internal static class GoQuote
{
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        AppendQuoted(sb, value);
        return sb.ToString();
    }

    public static void AppendQuoted(StringBuilder sb, string value)
    {
        sb.Append('"');
        var i = 0;
        while (i < value.Length)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var width) != System.Buffers.OperationStatus.Done)
            {
                // An unpaired surrogate reaches Go as the UTF-8 of U+FFFD (that is how .NET encodes it),
                // and Go prints a valid U+FFFD literally.
                rune = Rune.ReplacementChar;
                width = 1;
            }

            i += width;
            AppendRune(sb, rune);
        }

        sb.Append('"');
    }

    private static void AppendRune(StringBuilder sb, Rune rune)
    {
        var v = rune.Value;
        switch (v)
        {
            case '"':
                sb.Append("\\\"");
                return;
            case '\\':
                sb.Append("\\\\");
                return;
            case 0x07:
                sb.Append("\\a");
                return;
            case 0x08:
                sb.Append("\\b");
                return;
            case 0x0C:
                sb.Append("\\f");
                return;
            case 0x0A:
                sb.Append("\\n");
                return;
            case 0x0D:
                sb.Append("\\r");
                return;
            case 0x09:
                sb.Append("\\t");
                return;
            case 0x0B:
                sb.Append("\\v");
                return;
            default:
                break;
        }

        if (IsPrint(rune))
        {
            sb.Append(rune.ToString());
        }
        else if (v < 0x20 || v == 0x7F)
        {
            sb.Append("\\x").Append(v.ToString("x2", CultureInfo.InvariantCulture));
        }
        else if (v < 0x10000)
        {
            sb.Append("\\u").Append(v.ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append("\\U").Append(v.ToString("x8", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Go's <c>strconv.IsPrint</c>: categories L, M, N, P, S, plus the ASCII space only.</summary>
    internal static bool IsPrint(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => true,
            UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol => true,
            _ => false,
        };
    }
}
