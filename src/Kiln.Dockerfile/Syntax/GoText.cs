using System.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// The few Go string primitives BuildKit's parser is built on, with Go's exact semantics:
/// <c>unicode.IsSpace</c>, <c>strings.TrimSpace</c>, and <c>regexp.Split</c> on <c>[\t\v\f\r ]+</c>.
/// </summary>
internal static class GoText
{
    /// <summary>Go's <c>unicode.IsSpace</c>: the Unicode White_Space property (all of it lies in the BMP).</summary>
    public static bool IsSpace(int rune) => rune switch
    {
        >= 0x09 and <= 0x0D => true,
        0x20 or 0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A => true,
        0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>
    /// Go's <c>unicode.IsSpace(rune(b))</c> applied to a single UTF-8 byte, as BuildKit does in its flag and
    /// HEALTHCHECK splitters: the bytes 0x85 and 0xA0 count as space even inside a multi-byte character.
    /// </summary>
    public static bool IsSpaceByte(byte b) => b is (>= 0x09 and <= 0x0D) or 0x20 or 0x85 or 0xA0;

    /// <summary>The class <c>[\t\v\f\r ]</c> of BuildKit's <c>reWhitespace</c>.</summary>
    public static bool IsSplitSpace(char c) => c is '\t' or '\v' or '\f' or '\r' or ' ';

    public static string TrimSpace(string s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && IsSpace(s[start]))
        {
            start++;
        }

        while (end > start && IsSpace(s[end - 1]))
        {
            end--;
        }

        return start == 0 && end == s.Length ? s : s[start..end];
    }

    public static string TrimLeftSpace(string s)
    {
        var start = 0;
        while (start < s.Length && IsSpace(s[start]))
        {
            start++;
        }

        return start == 0 ? s : s[start..];
    }

    /// <summary>Go's <c>bytes.TrimRight(line, "\r\n")</c>: every trailing CR and LF.</summary>
    public static string TrimNewline(string s)
    {
        var end = s.Length;
        while (end > 0 && s[end - 1] is '\r' or '\n')
        {
            end--;
        }

        return end == s.Length ? s : s[..end];
    }

    /// <summary>
    /// Go's <c>reWhitespace.Split(s, n)</c> for n = -1 (all) or n &gt; 0, including its corner cases:
    /// an empty input yields one empty string, leading white space yields a leading empty string and
    /// trailing white space a trailing one.
    /// </summary>
    public static List<string> SplitOnWhitespace(string s, int n)
    {
        var parts = new List<string>();
        if (s.Length == 0)
        {
            parts.Add(string.Empty);
            return parts;
        }

        var begin = 0;
        var end = 0;
        var matches = 0;
        var i = 0;
        while (i < s.Length)
        {
            if (!IsSplitSpace(s[i]))
            {
                i++;
                continue;
            }

            var matchStart = i;
            while (i < s.Length && IsSplitSpace(s[i]))
            {
                i++;
            }

            matches++;
            if (n > 0 && parts.Count == n - 1)
            {
                break;
            }

            end = matchStart;
            parts.Add(s[begin..end]);
            begin = i;
            if (n > 0 && matches == n)
            {
                break;
            }
        }

        if (end != s.Length)
        {
            parts.Add(s[begin..]);
        }

        return parts;
    }

    /// <summary>Replaces unpaired surrogates with U+FFFD, which is what BuildKit sees once .NET encodes the text as UTF-8.</summary>
    public static string Sanitize(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
            {
                continue;
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            return SanitizeFrom(text, i);
        }

        return text;
    }

    private static string SanitizeFrom(string text, int first)
    {
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[i + 1]);
                i++;
            }
            else
            {
                sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return sb.ToString();
    }
}
