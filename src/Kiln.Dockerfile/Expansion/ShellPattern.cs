using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Kiln.Dockerfile.Diagnostics;

namespace Kiln.Dockerfile.Expansion;

/// <summary>
/// The glob of <c>${v#p}</c>, <c>${v%p}</c> and <c>${v/p/r}</c> as BuildKit understands it:
/// <c>*</c>, <c>?</c> and the escapes <c>\*</c> <c>\?</c> <c>\\</c>; <c>\}</c> and <c>\/</c> only
/// protect the substitution syntax and stand for <c>}</c> and <c>/</c>; any other escape is an
/// error. There are NO bracket expressions: BuildKit quotes <c>[</c> and <c>]</c>, so they match
/// themselves. BuildKit compiles this to a Go regexp, where <c>.</c> does not match a line feed,
/// so neither <c>?</c> nor <c>*</c> does here. The glob escape is always <c>\</c>, whatever the
/// Dockerfile escape token is.
/// </summary>
/// <remarks>
/// Matching reproduces Go's leftmost-first (backtracking-priority) result with a dynamic
/// programme over (token, position) instead of backtracking, so it is O(tokens × runes) in time
/// and O(runes) in memory for any pattern: no exponential blow-up on <c>*a*a*a*b</c>.
/// </remarks>
internal sealed class ShellPattern
{
    private const int NoMatch = -1;

    private ShellPattern(ImmutableArray<PatternToken> tokens) => Tokens = tokens;

    public ImmutableArray<PatternToken> Tokens { get; }

    public static bool TryCompile(string pattern, [NotNullWhen(true)] out ShellPattern? compiled, out ExpansionError error)
    {
        var tokens = ImmutableArray.CreateBuilder<PatternToken>(pattern.Length);
        var i = 0;

        // BuildKit reads the pattern through a fresh Go text/scanner, which drops a leading BOM.
        if (pattern.Length > 0 && pattern[0] == '\uFEFF')
        {
            i = 1;
        }

        while (i < pattern.Length)
        {
            var rune = RuneText.RuneAt(pattern, i, out var width);
            i += width;
            switch (rune)
            {
                case '*':
                    tokens.Add(PatternToken.AnyRun);
                    break;
                case '?':
                    tokens.Add(PatternToken.AnyRune);
                    break;
                case '\\':
                    var next = i < pattern.Length ? RuneText.RuneAt(pattern, i, out width) : RuneText.Eof;
                    if (next is '}' or '/')
                    {
                        // The escape only kept the substitution syntax from ending here; the next
                        // round takes the character itself as a literal.
                        break;
                    }

                    if (next is not ('*' or '?' or '\\'))
                    {
                        compiled = null;
                        error = new ExpansionError(
                            DiagnosticCodes.ExpansionInvalidPattern,
                            "invalid pattern (" + pattern + ") in substitution: invalid escape '\\" + RuneText.ToText(next) + "'");
                        return false;
                    }

                    i += width;
                    tokens.Add(PatternToken.Literal(next));
                    break;
                default:
                    tokens.Add(PatternToken.Literal(rune));
                    break;
            }
        }

        compiled = new ShellPattern(tokens.ToImmutable());
        error = default;
        return true;
    }

    /// <summary>
    /// BuildKit's <c>reversePattern</c>: reverses rune-wise but keeps each <c>\x</c> pair in order
    /// (<c>a\*c</c> becomes <c>c\*a</c>). A trailing lone <c>\</c> is reversed as a plain rune.
    /// </summary>
    public static string ReversePattern(string pattern)
    {
        var runes = RuneText.ToRunes(pattern);
        var reversed = new int[runes.Length];
        var last = runes.Length - 1;
        for (var i = 0; i <= last;)
        {
            var at = last - i;
            if (runes[i] == '\\' && i != last)
            {
                reversed[at - 1] = '\\';
                reversed[at] = runes[i + 1];
                i += 2;
            }
            else
            {
                reversed[at] = runes[i];
                i++;
            }
        }

        return RuneText.FromRunes(reversed);
    }

    /// <summary>BuildKit's <c>reverseString</c>: rune-wise, so surrogate pairs survive.</summary>
    public static string ReverseText(string text)
    {
        var runes = RuneText.ToRunes(text);
        Array.Reverse(runes);
        return RuneText.FromRunes(runes);
    }

    /// <summary>
    /// The Go regexp BuildKit would compile for this pattern (<c>convertShellPatternToRegex</c>);
    /// only used to pin the compile step against BuildKit's own helper table.
    /// </summary>
    public string ToGoRegex(bool greedy, bool anchored)
    {
        var builder = new StringBuilder();
        if (anchored)
        {
            builder.Append('^');
        }

        foreach (var token in Tokens)
        {
            switch (token.Kind)
            {
                case PatternTokenKind.AnyRun:
                    builder.Append(greedy ? ".*" : ".*?");
                    break;
                case PatternTokenKind.AnyRune:
                    builder.Append('.');
                    break;
                case PatternTokenKind.Literal:
                    if (token.Rune is '*' or '?' or '\\' or '[' or ']' or '{' or '}' or '.' or '+' or '(' or ')' or '|' or '^' or '$')
                    {
                        builder.Append('\\');
                    }

                    RuneText.Append(builder, token.Rune);
                    break;
                default:
                    throw new InvalidOperationException("unknown pattern token " + token.Kind);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// For every start position <c>j</c> in <paramref name="value"/>, the end of the match Go's
    /// leftmost-first engine would report for a match starting exactly at <c>j</c>, or -1.
    /// </summary>
    /// <remarks>
    /// <c>end(i, j)</c> = end of the preferred match of tokens <c>i..</c> from rune <c>j</c>. A
    /// greedy star prefers "one more rune, then the rest of the star" over "stop here"; a lazy
    /// one the reverse. That is exactly a backtracker's order of attempts, so the first success
    /// it would find is what the recurrence picks. Rows are filled from the last token backwards.
    /// </remarks>
    public int[] MatchEnds(ReadOnlySpan<int> value, bool greedy)
    {
        var n = value.Length;
        var next = new int[n + 1];
        var current = new int[n + 1];
        for (var j = 0; j <= n; j++)
        {
            next[j] = j;
        }

        for (var i = Tokens.Length - 1; i >= 0; i--)
        {
            var token = Tokens[i];
            switch (token.Kind)
            {
                case PatternTokenKind.Literal:
                    for (var j = 0; j <= n; j++)
                    {
                        current[j] = j < n && value[j] == token.Rune ? next[j + 1] : NoMatch;
                    }

                    break;
                case PatternTokenKind.AnyRune:
                    for (var j = 0; j <= n; j++)
                    {
                        current[j] = j < n && value[j] != '\n' ? next[j + 1] : NoMatch;
                    }

                    break;
                case PatternTokenKind.AnyRun:
                    current[n] = next[n];
                    for (var j = n - 1; j >= 0; j--)
                    {
                        var longer = value[j] != '\n' ? current[j + 1] : NoMatch;
                        current[j] = greedy
                            ? (longer != NoMatch ? longer : next[j])
                            : (next[j] != NoMatch ? next[j] : longer);
                    }

                    break;
                default:
                    throw new InvalidOperationException("unknown pattern token " + token.Kind);
            }

            (next, current) = (current, next);
        }

        return next;
    }
}
