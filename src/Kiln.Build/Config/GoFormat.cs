using System.Globalization;
using System.Text;

namespace Kiln.Build.Config;

/// <summary>
/// The bits of Go's fmt that BuildKit's history strings are made of: <c>created_by</c> is built with
/// <c>fmt.Sprintf("CMD %q", args)</c>, <c>%v</c> of a slice, <c>%q</c> of a HealthConfig pointer, so the exact
/// text depends on Go's quoting (strconv.Quote, QuoteRune) and on time.Duration's String method.
/// </summary>
internal static class GoFormat
{
    /// <summary><c>%q</c> of a <c>[]string</c>: <c>["a" "b"]</c> (Go syntax, not JSON: no commas).</summary>
    public static string QuoteSlice(IEnumerable<string> values)
    {
        var sb = new StringBuilder("[");
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                sb.Append(' ');
            }

            first = false;
            AppendQuoted(sb, value, '"');
        }

        return sb.Append(']').ToString();
    }

    /// <summary><c>%v</c> of a <c>[]string</c>: <c>[a b]</c>.</summary>
    public static string PlainSlice(IEnumerable<string> values) => "[" + string.Join(' ', values) + "]";

    /// <summary>strconv.Quote.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        AppendQuoted(sb, value, '"');
        return sb.ToString();
    }

    /// <summary>
    /// <c>%q</c> of an integer is strconv.QuoteRune: a Go character literal. BuildKit prints HEALTHCHECK's
    /// Retries this way (<c>'\x03'</c>), so the history shows retries as a rune.
    /// </summary>
    public static string QuoteRune(long value)
    {
        var rune = value is < 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF) ? Rune.ReplacementChar : new Rune((int)value);
        var sb = new StringBuilder("'");
        AppendRune(sb, rune, '\'');
        return sb.Append('\'').ToString();
    }

    /// <summary>time.Duration.String: <c>0s</c>, <c>1.5s</c>, <c>1m30s</c>, <c>1h0m0s</c>, <c>500ms</c>, <c>1µs</c>, <c>2ns</c>.</summary>
    public static string Duration(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var u = negative ? (ulong)-(nanoseconds + 1) + 1 : (ulong)nanoseconds;
        string text;
        if (u < 1_000_000_000UL)
        {
            // Below a second Go picks the largest unit that keeps an integer part: ns, µs or ms.
            var (scale, unit) = u < 1_000UL ? (1UL, "ns") : u < 1_000_000UL ? (1_000UL, "\u00b5s") : (1_000_000UL, "ms");
            text = Fraction(u, scale) + unit;
        }
        else
        {
            var seconds = Fraction(u % 60_000_000_000UL, 1_000_000_000UL) + "s";
            var minutesTotal = u / 60_000_000_000UL;
            if (minutesTotal == 0)
            {
                text = seconds;
            }
            else
            {
                var minutes = (minutesTotal % 60).ToString(CultureInfo.InvariantCulture) + "m" + seconds;
                var hours = minutesTotal / 60;
                text = hours == 0 ? minutes : hours.ToString(CultureInfo.InvariantCulture) + "h" + minutes;
            }
        }

        return negative ? "-" + text : text;
    }

    private static string Fraction(ulong value, ulong scale)
    {
        var whole = (value / scale).ToString(CultureInfo.InvariantCulture);
        var rest = value % scale;
        if (rest == 0)
        {
            return whole;
        }

        var digits = scale.ToString(CultureInfo.InvariantCulture).Length - 1;
        return whole + "." + rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }

    private static void AppendQuoted(StringBuilder sb, string value, char quote)
    {
        sb.Append(quote);
        foreach (var rune in value.EnumerateRunes())
        {
            AppendRune(sb, rune, quote);
        }

        sb.Append(quote);
    }

    private static void AppendRune(StringBuilder sb, Rune rune, char quote)
    {
        var value = rune.Value;
        if (value == quote || value == '\\')
        {
            sb.Append('\\').Append((char)value);
            return;
        }

        if (value < 0x80)
        {
            switch (value)
            {
                case '\a': sb.Append("\\a"); return;
                case '\b': sb.Append("\\b"); return;
                case '\f': sb.Append("\\f"); return;
                case '\n': sb.Append("\\n"); return;
                case '\r': sb.Append("\\r"); return;
                case '\t': sb.Append("\\t"); return;
                case '\v': sb.Append("\\v"); return;
            }

            if (value is >= 0x20 and < 0x7F)
            {
                sb.Append((char)value);
            }
            else
            {
                sb.Append("\\x").Append(value.ToString("x2", CultureInfo.InvariantCulture));
            }

            return;
        }

        if (IsPrint(rune))
        {
            sb.Append(rune.ToString());
        }
        else if (value < 0x10000)
        {
            sb.Append("\\u").Append(value.ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append("\\U").Append(value.ToString("x8", CultureInfo.InvariantCulture));
        }
    }

    // unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space only.
    private static bool IsPrint(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
