using System.Text;

namespace Kiln.Dockerfile.Expansion;

/// <summary>
/// <c>${v//p/r}</c> goes through Go's <c>Regexp.ReplaceAllString</c>, which treats <c>r</c> as a
/// template (<c>Regexp.Expand</c>), not as literal text; <c>${v/p/r}</c> does not. BuildKit's
/// regexp has no capture groups, so: <c>$0</c> / <c>${0}</c> is the whole match, <c>$$</c> is
/// <c>$</c>, any other well-formed reference (<c>$1</c>, <c>$name</c>, <c>$1x</c> — the name runs
/// over letters, digits and <c>_</c>) is empty, and a malformed one leaves the <c>$</c> as text.
/// </summary>
internal static class ReplacementTemplate
{
    public static void Expand(StringBuilder output, string template, string match)
    {
        var i = 0;
        while (i < template.Length)
        {
            var dollar = template.IndexOf('$', i);
            if (dollar < 0)
            {
                break;
            }

            output.Append(template, i, dollar - i);
            i = dollar + 1;
            if (i < template.Length && template[i] == '$')
            {
                output.Append('$');
                i++;
                continue;
            }

            if (!TryReadReference(template, i, out var name, out var after))
            {
                output.Append('$');
                continue;
            }

            i = after;
            if (IsGroupZero(name))
            {
                output.Append(match);
            }
        }

        output.Append(template, i, template.Length - i);
    }

    private static bool TryReadReference(string template, int start, out string name, out int after)
    {
        name = string.Empty;
        after = start;
        var i = start;
        var braced = i < template.Length && template[i] == '{';
        if (braced)
        {
            i++;
        }

        var nameStart = i;
        while (i < template.Length)
        {
            var rune = RuneText.RuneAt(template, i, out var width);
            if (!RuneText.IsLetter(rune) && !RuneText.IsDigit(rune) && rune != '_')
            {
                break;
            }

            i += width;
        }

        if (i == nameStart)
        {
            return false;
        }

        name = template[nameStart..i];
        if (braced)
        {
            if (i >= template.Length || template[i] != '}')
            {
                return false;
            }

            i++;
        }

        after = i;
        return true;
    }

    // Go parses the name as a group number only if it is all ASCII digits without a leading zero.
    private static bool IsGroupZero(string name) => name == "0";
}
