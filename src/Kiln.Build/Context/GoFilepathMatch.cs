namespace Kiln.Build.Context;

/// <summary>
/// Go's <c>path/filepath.Match</c> on slash-separated names, the matcher BuildKit uses for COPY wildcards:
/// <c>*</c> is any run of non-<c>/</c> characters, <c>?</c> one non-<c>/</c> character, <c>[...]</c> a class
/// (<c>^</c> negates, <c>a-z</c> ranges, <c>\</c> escapes), <c>\c</c> the character c.
/// https://pkg.go.dev/path/filepath#Match
/// </summary>
internal static class GoFilepathMatch
{
    /// <summary>Whether <paramref name="name"/> matches; a malformed pattern matches nothing (BuildKit ignores the error).</summary>
    public static bool IsMatch(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        return Match(pattern, 0, name, 0) == true;
    }

    /// <summary>True when the text has an unescaped <c>*</c>, <c>?</c> or <c>[</c> (fsutil's containsWildcards).</summary>
    public static bool ContainsWildcards(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '*' or '?' or '[':
                    return true;
            }
        }

        return false;
    }

    /// <summary>null: bad pattern.</summary>
    private static bool? Match(string p, int pi, string n, int ni)
    {
        while (pi < p.Length)
        {
            switch (p[pi])
            {
                case '*':
                    while (pi < p.Length && p[pi] == '*')
                    {
                        pi++;
                    }

                    if (pi == p.Length)
                    {
                        return n.IndexOf('/', ni) < 0;
                    }

                    for (var k = ni; k <= n.Length; k++)
                    {
                        var rest = Match(p, pi, n, k);
                        if (rest != false)
                        {
                            return rest;
                        }

                        if (k < n.Length && n[k] == '/')
                        {
                            break;
                        }
                    }

                    // Go still reports a malformed remainder as an error; "no match" is what BuildKit sees either way.
                    return false;
                case '?':
                    if (ni >= n.Length || n[ni] == '/')
                    {
                        return false;
                    }

                    pi++;
                    ni++;
                    break;
                case '[':
                    var end = MatchClass(p, pi, ni < n.Length ? n[ni] : '\0', out var hit);
                    if (end < 0)
                    {
                        return null;
                    }

                    if (ni >= n.Length || n[ni] == '/' || !hit)
                    {
                        return false;
                    }

                    pi = end;
                    ni++;
                    break;
                case '\\':
                    pi++;
                    if (pi >= p.Length)
                    {
                        return null;
                    }

                    if (ni >= n.Length || n[ni] != p[pi])
                    {
                        return false;
                    }

                    pi++;
                    ni++;
                    break;
                default:
                    if (ni >= n.Length || n[ni] != p[pi])
                    {
                        return false;
                    }

                    pi++;
                    ni++;
                    break;
            }
        }

        return ni == n.Length;
    }

    /// <summary>Parses the class starting at <paramref name="start"/> ('['); returns the index after ']' or -1 if malformed.</summary>
    private static int MatchClass(string p, int start, char c, out bool hit)
    {
        hit = false;
        var i = start + 1;
        var negated = i < p.Length && p[i] == '^';
        if (negated)
        {
            i++;
        }

        var any = false;
        while (true)
        {
            if (i >= p.Length)
            {
                return -1;
            }

            if (p[i] == ']' && any)
            {
                i++;
                break;
            }

            if (!TryClassChar(p, ref i, out var lo))
            {
                return -1;
            }

            var hi = lo;
            if (i < p.Length && p[i] == '-')
            {
                i++;
                if (!TryClassChar(p, ref i, out hi))
                {
                    return -1;
                }
            }

            if (lo <= c && c <= hi)
            {
                hit = true;
            }

            any = true;
        }

        hit ^= negated;
        return i;
    }

    private static bool TryClassChar(string p, ref int i, out char c)
    {
        c = '\0';
        if (i >= p.Length || p[i] is '-' or ']')
        {
            return false;
        }

        if (p[i] == '\\')
        {
            i++;
            if (i >= p.Length)
            {
                return false;
            }
        }

        c = p[i++];
        return true;
    }
}
