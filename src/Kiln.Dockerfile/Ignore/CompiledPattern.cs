using System.Buffers;
using System.Collections.Immutable;

namespace Kiln.Dockerfile.Ignore;

/// <summary>
/// One cleaned pattern (without its <c>!</c>) compiled for matching whole slash-separated paths.
/// <para>
/// Syntax is Go's <c>filepath.Match</c> (<c>*</c>, <c>?</c>, <c>[...]</c> with <c>^</c> and ranges, <c>\</c>
/// escapes) plus <c>**</c>. The classification into exact / prefix / suffix / glob follows moby/patternmatcher,
/// because those fast paths decide observable results. Matching is a hand-written NFA simulation over the
/// tokens: linear in path length times pattern length, no backtracking, and no allocation for patterns of
/// up to 63 tokens.
/// </para>
/// </summary>
internal sealed class CompiledPattern
{
    private const int StackStates = 128;

    private readonly GlobToken[] tokens;

    private readonly string literal;

    /// <summary>The text of a glob's leading literal tokens, which any match must start with.</summary>
    private readonly string globHead;

    /// <summary>The text of a glob's trailing literal tokens, which any match must end with.</summary>
    private readonly string globTail;

    private CompiledPattern(string text, MatchKind kind, GlobToken[] tokens)
    {
        Text = text;
        Kind = kind;
        this.tokens = tokens;
        var head = 0;
        while (head < tokens.Length && tokens[head].Kind == GlobTokenKind.Literal)
        {
            head++;
        }

        var tail = tokens.Length;
        while (tail > head && tokens[tail - 1].Kind == GlobTokenKind.Literal)
        {
            tail--;
        }

        globHead = LiteralText(tokens.AsSpan(0, head));
        globTail = LiteralText(tokens.AsSpan(tail));
        literal = kind switch
        {
            MatchKind.Exact => text,
            MatchKind.Prefix => text[..^2],
            MatchKind.Suffix => text[2..],
            MatchKind.Glob => string.Empty,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>The cleaned pattern text this was compiled from.</summary>
    public string Text { get; }

    public MatchKind Kind { get; }

    public ImmutableArray<GlobToken> Tokens => [.. tokens];

    /// <summary>
    /// Compiles a cleaned pattern. Returns null and a reason when the pattern is not valid
    /// <c>filepath.Match</c> syntax: exactly the patterns upstream rejects through <c>filepath.Match(p, ".")</c>,
    /// which (since Go 1.16) checks the syntax of the whole pattern whatever the name.
    /// </summary>
    public static CompiledPattern? Compile(string text, out string reason)
    {
        var list = new List<GlobToken>(text.Length);
        var kind = MatchKind.Exact;
        var pos = 0;

        // Upstream counts loop iterations, not characters: "**" (and its eaten "/") or "\x" is one
        // iteration, and only a "**" in the very first iteration turns the pattern into a suffix match.
        for (var iteration = 0; pos < text.Length; iteration++)
        {
            var c = GoRunes.Read(text, pos, out var width);
            pos += width;
            switch (c)
            {
                case '*' when pos < text.Length && text[pos] == '*':
                    pos++;
                    if (pos < text.Length && text[pos] == '/')
                    {
                        pos++;
                    }

                    if (pos == text.Length)
                    {
                        list.Add(new GlobToken(GlobTokenKind.AnyStar));
                        kind = kind == MatchKind.Exact ? MatchKind.Prefix : MatchKind.Glob;
                    }
                    else
                    {
                        list.Add(new GlobToken(GlobTokenKind.DirStar));
                        kind = MatchKind.Glob;
                    }

                    if (iteration == 0)
                    {
                        kind = MatchKind.Suffix;
                    }

                    break;
                case '*':
                    list.Add(new GlobToken(GlobTokenKind.Star));
                    kind = MatchKind.Glob;
                    break;
                case '?':
                    list.Add(new GlobToken(GlobTokenKind.AnyRune));
                    kind = MatchKind.Glob;
                    break;
                case '\\':
                    if (pos == text.Length)
                    {
                        reason = "pattern ends with an unescaped '\\'";
                        return null;
                    }

                    list.Add(new GlobToken(GlobTokenKind.Literal, GoRunes.Read(text, pos, out width)));
                    pos += width;
                    kind = MatchKind.Glob;
                    break;
                case '[':
                    var charClass = ReadClass(text, ref pos, out reason);
                    if (charClass is null)
                    {
                        return null;
                    }

                    list.Add(new GlobToken(GlobTokenKind.Class, Class: charClass));
                    kind = MatchKind.Glob;
                    break;
                case ']':
                    // A stray "]" is literal, but upstream hands it to its regexp and so loses the fast path.
                    list.Add(new GlobToken(GlobTokenKind.Literal, c));
                    kind = MatchKind.Glob;
                    break;
                default:
                    list.Add(new GlobToken(GlobTokenKind.Literal, c));
                    break;
            }
        }

        reason = string.Empty;
        return new CompiledPattern(text, kind, [.. list]);
    }

    public bool Matches(ReadOnlySpan<char> path)
    {
        switch (Kind)
        {
            case MatchKind.Exact:
                return path.SequenceEqual(literal);
            case MatchKind.Prefix:
                return path.StartsWith(literal, StringComparison.Ordinal);
            case MatchKind.Suffix:
                return path.EndsWith(literal, StringComparison.Ordinal)
                    || (literal.Length > 0 && literal[0] == '/' && path.SequenceEqual(literal.AsSpan(1)));
            case MatchKind.Glob:
                return MatchesGlob(path);
            default:
                return false;
        }
    }

    /// <summary>
    /// Parses a class after its "[" with <c>filepath.Match</c>'s rules: optional <c>^</c>; then one or more
    /// items <c>c</c> or <c>lo-hi</c>, where a bare <c>-</c> or <c>]</c> is an error unless escaped, and a
    /// <c>]</c> closes the class only after at least one item (so <c>[]a]</c> and <c>[-]</c> are errors).
    /// </summary>
    private static CharClass? ReadClass(string text, ref int pos, out string reason)
    {
        var negated = pos < text.Length && text[pos] == '^';
        if (negated)
        {
            pos++;
        }

        var bounds = ImmutableArray.CreateBuilder<int>();
        while (true)
        {
            if (pos < text.Length && text[pos] == ']' && bounds.Count > 0)
            {
                pos++;
                reason = string.Empty;
                return new CharClass(negated, bounds.ToImmutable());
            }

            if (!TryReadClassRune(text, ref pos, out var lo, out reason))
            {
                return null;
            }

            var hi = lo;
            if (text[pos] == '-')
            {
                pos++;
                if (!TryReadClassRune(text, ref pos, out hi, out reason))
                {
                    return null;
                }
            }

            bounds.Add(lo);
            bounds.Add(hi);
        }
    }

    /// <summary>
    /// One class character (Go's <c>getEsc</c>). It also fails when nothing follows it, because a class that
    /// reaches the end of the pattern can never be closed; so after a success <c>text[pos]</c> exists.
    /// </summary>
    private static bool TryReadClassRune(string text, ref int pos, out int rune, out string reason)
    {
        rune = 0;
        if (pos >= text.Length)
        {
            reason = "character class is not closed";
            return false;
        }

        switch (text[pos])
        {
            case '-':
                reason = "character class has a misplaced '-' (escape it as \\-)";
                return false;
            case ']':
                reason = "character class has a misplaced ']' (escape it as \\])";
                return false;
            case '\\':
                pos++;
                if (pos >= text.Length)
                {
                    reason = "character class is not closed";
                    return false;
                }

                break;
            default:
                break;
        }

        rune = GoRunes.Read(text, pos, out var width);
        if (char.IsSurrogate(text[pos]) && width == 1)
        {
            // Go rejects invalid UTF-8 inside a class; a lone surrogate is its UTF-16 counterpart.
            reason = "character class contains an invalid character";
            return false;
        }

        pos += width;
        if (pos >= text.Length)
        {
            reason = "character class is not closed";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    private static string LiteralText(ReadOnlySpan<GlobToken> literals)
    {
        var text = new System.Text.StringBuilder(literals.Length);
        foreach (var token in literals)
        {
            // A lone surrogate (see GoRunes) is kept as the single code unit it was read from.
            if (token.Rune <= char.MaxValue)
            {
                text.Append((char)token.Rune);
            }
            else
            {
                text.Append(char.ConvertFromUtf32(token.Rune));
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Simulates the automaton with one set of live states per input position. State <c>j</c> (0..m) means
    /// "token j is next"; state <c>m + 1 + j</c> means "inside the <c>.*/</c> of DirStar token j". A DirStar
    /// needs that second state because, once it has consumed a character, it may only be left through a
    /// <c>/</c>, whereas at its start it may be skipped entirely (<c>a**b</c> matches <c>ab</c>, never <c>axb</c>).
    /// </summary>
    private bool MatchesGlob(ReadOnlySpan<char> path)
    {
        // Cheap rejections first: most paths fail on the literal ends ("*.log", "docs/*") already.
        if (!path.StartsWith(globHead, StringComparison.Ordinal) || !path.EndsWith(globTail, StringComparison.Ordinal))
        {
            return false;
        }

        var count = (2 * tokens.Length) + 1;
        bool[]? rented = null;
        Span<bool> buffer = count <= StackStates
            ? stackalloc bool[StackStates * 2]
            : (rented = ArrayPool<bool>.Shared.Rent(count * 2));
        try
        {
            var current = buffer[..count];
            var next = buffer.Slice(count, count);
            current.Clear();
            current[0] = true;
            FollowEmpty(current);
            var index = 0;
            while (index < path.Length)
            {
                var rune = GoRunes.Read(path, index, out var width);
                index += width;
                next.Clear();
                if (!Step(current, next, rune))
                {
                    return false;
                }

                FollowEmpty(next);
                var swap = current;
                current = next;
                next = swap;
            }

            return current[tokens.Length];
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<bool>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Advances every live state over one rune; false when no state survives.</summary>
    private bool Step(ReadOnlySpan<bool> current, Span<bool> next, int rune)
    {
        var m = tokens.Length;
        var alive = false;
        for (var j = 0; j < m; j++)
        {
            var token = tokens[j];
            if (token.Kind == GlobTokenKind.DirStar)
            {
                // From the start of the DirStar or from inside it, any rune keeps it going; a "/" may end it.
                if (current[j] || current[m + 1 + j])
                {
                    next[m + 1 + j] = alive = true;
                    if (rune == '/')
                    {
                        next[j + 1] = true;
                    }
                }

                continue;
            }

            if (!current[j])
            {
                continue;
            }

            switch (token.Kind)
            {
                case GlobTokenKind.Literal:
                    if (rune == token.Rune)
                    {
                        next[j + 1] = alive = true;
                    }

                    break;
                case GlobTokenKind.AnyRune:
                    if (rune != '/')
                    {
                        next[j + 1] = alive = true;
                    }

                    break;
                case GlobTokenKind.Class:
                    if (token.Class!.Contains(rune))
                    {
                        next[j + 1] = alive = true;
                    }

                    break;
                case GlobTokenKind.Star:
                    if (rune != '/')
                    {
                        next[j] = alive = true;
                    }

                    break;
                case GlobTokenKind.AnyStar:
                    next[j] = alive = true;
                    break;
                default:
                    break;
            }
        }

        return alive;
    }

    /// <summary>
    /// Every star may match the empty string, so a star that is next may be skipped: its successor is live
    /// too. (Only the start state of a DirStar is skippable, not its inside state.)
    /// </summary>
    private void FollowEmpty(Span<bool> states)
    {
        for (var j = 0; j < tokens.Length; j++)
        {
            if (states[j] && tokens[j].Kind is GlobTokenKind.Star or GlobTokenKind.DirStar or GlobTokenKind.AnyStar)
            {
                states[j + 1] = true;
            }
        }
    }
}
