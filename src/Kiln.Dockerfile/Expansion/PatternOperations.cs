using System.Text;

namespace Kiln.Dockerfile.Expansion;

/// <summary>
/// The pattern modifiers, with BuildKit's results: <c>#</c>/<c>##</c> remove the shortest/longest
/// matching prefix; <c>%</c>/<c>%%</c> the suffix, done (as BuildKit does) by reversing pattern and
/// value and removing a prefix, which is also how "shortest suffix" is defined here; <c>/</c> and
/// <c>//</c> replace the first / every leftmost greedy match.
/// </summary>
internal static class PatternOperations
{
    public static bool TryTrimPrefix(string pattern, string value, bool greedy, out string result, out ExpansionError error)
    {
        if (!ShellPattern.TryCompile(pattern, out var compiled, out error))
        {
            result = string.Empty;
            return false;
        }

        var runes = RuneText.ToRunes(value);
        var end = compiled.MatchEnds(runes, greedy)[0];
        result = end < 0 ? value : RuneText.FromRunes(runes.AsSpan(end));
        return true;
    }

    public static bool TryTrimSuffix(string pattern, string value, bool greedy, out string result, out ExpansionError error)
    {
        if (!TryTrimPrefix(ShellPattern.ReversePattern(pattern), ShellPattern.ReverseText(value), greedy, out var reversed, out error))
        {
            result = string.Empty;
            return false;
        }

        result = ShellPattern.ReverseText(reversed);
        return true;
    }

    /// <summary>
    /// <c>${v/p/r}</c> and <c>${v//p/r}</c>. Replacing every match can multiply the value's length (each rune by a long
    /// template), so the result stops, as an error, once it is longer than <paramref name="maxLength"/>.
    /// </summary>
    public static bool TryReplace(string pattern, string replacement, string value, bool all, int maxLength, out string result, out ExpansionError error)
    {
        result = string.Empty;
        if (!ShellPattern.TryCompile(pattern, out var compiled, out error))
        {
            return false;
        }

        var runes = RuneText.ToRunes(value);
        var ends = compiled.MatchEnds(runes, greedy: true);
        var replaced = all ? ReplaceAll(runes, ends, replacement, maxLength) : ReplaceFirst(runes, ends, replacement, value);
        if (replaced is null || replaced.Length > maxLength)
        {
            error = ExpansionError.WordTooLong();
            return false;
        }

        result = replaced;
        return true;
    }

    private static string ReplaceFirst(int[] runes, int[] ends, string replacement, string value)
    {
        var start = FirstMatchFrom(ends, 0);
        if (start < 0)
        {
            return value;
        }

        // The single replacement is plain concatenation in BuildKit: no template expansion.
        var output = new StringBuilder();
        output.Append(RuneText.FromRunes(runes.AsSpan(0, start)));
        output.Append(replacement);
        output.Append(RuneText.FromRunes(runes.AsSpan(ends[start])));
        return output.ToString();
    }

    /// <summary>Go's <c>Regexp.ReplaceAllString</c> loop, counted in runes instead of bytes.</summary>
    private static string? ReplaceAll(int[] runes, int[] ends, string template, int maxLength)
    {
        var output = new StringBuilder();
        var lastMatchEnd = 0;
        var searchFrom = 0;
        while (searchFrom <= runes.Length)
        {
            var start = FirstMatchFrom(ends, searchFrom);
            if (start < 0)
            {
                break;
            }

            var end = ends[start];
            output.Append(RuneText.FromRunes(runes.AsSpan(lastMatchEnd, start - lastMatchEnd)));

            // An empty match right after the previous match is not replaced again.
            if (end > lastMatchEnd || start == 0)
            {
                ReplacementTemplate.Expand(output, template, RuneText.FromRunes(runes.AsSpan(start, end - start)));
                if (output.Length > maxLength)
                {
                    return null;
                }
            }

            lastMatchEnd = end;

            // Always advance at least one rune, so empty matches cannot loop.
            searchFrom = searchFrom + 1 > end ? searchFrom + 1 : end;
        }

        output.Append(RuneText.FromRunes(runes.AsSpan(lastMatchEnd)));
        return output.ToString();
    }

    private static int FirstMatchFrom(int[] ends, int from)
    {
        for (var j = from; j < ends.Length; j++)
        {
            if (ends[j] >= 0)
            {
                return j;
            }
        }

        return -1;
    }
}
