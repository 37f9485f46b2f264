using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// BuildKit's heredoc marker rules: <c>ParseHeredoc</c>, <c>heredocsFromLine</c> and <c>ChompHeredocContent</c>.
/// </summary>
internal static class HeredocParser
{
    /// <summary>
    /// Matches a single word against BuildKit's <c>^(\d*)&lt;&lt;(-?)\s*([^&lt;]*)$</c>, then lexes the delimiter
    /// twice (quotes removed and kept): it must be one word, and it is "quoted" (no expansion) when the two
    /// lexings hold different numbers of quote characters, which is how an escaped quote is told from a quoting one.
    /// </summary>
    public static HeredocParseResult ParseHeredoc(string word)
    {
        var i = 0;
        while (i < word.Length && char.IsAsciiDigit(word[i]))
        {
            i++;
        }

        var digits = word[..i];
        if (!word.AsSpan(i).StartsWith("<<", StringComparison.Ordinal))
        {
            return default;
        }

        var tail = word[(i + 2)..];
        if (tail.Contains('<', StringComparison.Ordinal))
        {
            return default;
        }

        var chomp = tail.StartsWith('-');
        var restStart = chomp ? 1 : 0;
        while (restStart < tail.Length && tail[restStart] is '\t' or '\n' or '\f' or '\r' or ' ')
        {
            restStart++;
        }

        var rest = tail[restStart..];
        if (rest.Length == 0)
        {
            return default;
        }

        if (!HeredocWordLexer.TryProcessWords(rest, rawQuotes: false, rawEscapes: false, out var words, out var error))
        {
            return new HeredocParseResult(null, error);
        }

        if (words.Count != 1)
        {
            return default;
        }

        if (!HeredocWordLexer.TryProcessWords(rest, rawQuotes: true, rawEscapes: false, out var rawWords, out error))
        {
            return new HeredocParseResult(null, error);
        }

        if (rawWords.Count != words.Count)
        {
            return new HeredocParseResult(null, "internal lexing of heredoc produced inconsistent results: " + rest);
        }

        var name = words[0];
        var expand = CountQuotes(name) == CountQuotes(rawWords[0]);
        return new HeredocParseResult(new Heredoc(name, string.Empty, expand, chomp, ParseFileDescriptor(digits)), null);
    }

    /// <summary>
    /// BuildKit's <c>heredocsFromLine</c>: lex the whole instruction line keeping quotes and escapes (a lexing
    /// error just means "no heredocs"), then try every word as a marker.
    /// </summary>
    public static HeredocLineResult HeredocsFromLine(string line)
    {
        if (!HeredocWordLexer.TryProcessWords(line, rawQuotes: true, rawEscapes: true, out var words, out _))
        {
            return new HeredocLineResult([], null);
        }

        var heredocs = ImmutableArray.CreateBuilder<Heredoc>();
        foreach (var word in words)
        {
            var parsed = ParseHeredoc(word);
            if (parsed.Error is not null)
            {
                return new HeredocLineResult([], parsed.Error);
            }

            if (parsed.Heredoc is not null)
            {
                heredocs.Add(parsed.Heredoc);
            }
        }

        return new HeredocLineResult(heredocs.ToImmutable(), null);
    }

    /// <summary>BuildKit's <c>ChompHeredocContent</c>: <c>(?m)^\t+</c> removed, i.e. tabs at the start of the text and after every LF.</summary>
    public static string ChompHeredocContent(string content)
    {
        var sb = new StringBuilder(content.Length);
        var atLineStart = true;
        foreach (var c in content)
        {
            if (atLineStart && c == '\t')
            {
                continue;
            }

            sb.Append(c);
            atLineStart = c == '\n';
        }

        return sb.ToString();
    }

    private static int CountQuotes(string s)
    {
        var count = 0;
        foreach (var c in s)
        {
            if (c is '\'' or '"')
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Go's <c>strconv.ParseUint</c> with the error ignored: empty is 0, overflow saturates.</summary>
    private static uint ParseFileDescriptor(string digits) =>
        digits.Length == 0 ? 0
        : uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var fd) ? fd
        : uint.MaxValue;
}
