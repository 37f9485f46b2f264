namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// "did you mean X?" hints, the way BuildKit's <c>suggest.WrapError</c> picks them: the first option
/// with the smallest Levenshtein distance, only when that distance is at most 2; an exact match
/// means the value was fine and nothing is suggested.
/// </summary>
public static class SpellingSuggester
{
    private const int MaxDistance = 2;

    /// <summary>The closest option, or null when none is close enough (or the value matches one exactly).</summary>
    /// <param name="caseSensitive">When false, compare lower-cased and return the option in the value's case (all-lower or all-upper).</param>
    public static string? Suggest(string value, IEnumerable<string> options, bool caseSensitive = true)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        var probe = caseSensitive ? value : value.ToLowerInvariant();
        string? best = null;
        var bestDistance = MaxDistance + 1;
        foreach (var option in options)
        {
            var candidate = caseSensitive ? option : option.ToLowerInvariant();
            if (string.Equals(candidate, probe, StringComparison.Ordinal))
            {
                return null;
            }

            var distance = Distance(probe, candidate);
            if (distance < bestDistance)
            {
                best = caseSensitive ? candidate : MatchCase(candidate, value);
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary><paramref name="message"/> plus <c> (did you mean X?)</c> when a suggestion exists.</summary>
    public static string WithSuggestion(string message, string value, IEnumerable<string> options, bool caseSensitive = true, string prefix = "")
    {
        var suggestion = Suggest(value, options, caseSensitive);
        return suggestion is null ? message : $"{message} (did you mean {prefix}{suggestion}?)";
    }

    /// <summary>Levenshtein distance (insert, delete, substitute: cost 1 each), over UTF-16 code units.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static string MatchCase(string option, string original)
    {
        if (string.Equals(original, original.ToLowerInvariant(), StringComparison.Ordinal))
        {
            return option.ToLowerInvariant();
        }

        return string.Equals(original, original.ToUpperInvariant(), StringComparison.Ordinal) ? option.ToUpperInvariant() : option;
    }
}
