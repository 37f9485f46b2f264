using System.Collections.Immutable;

namespace Kiln.Dockerfile.Expansion;

/// <summary>
/// Shell-word expansion exactly as BuildKit's <c>shell.Lex</c> does it: variables and their
/// modifiers, quote removal, escapes, and (for <see cref="ExpandWords"/>) word splitting.
/// </summary>
/// <remarks>
/// Variable names are looked up with the dictionary's own comparer: an ordinal dictionary gives
/// BuildKit's Linux semantics (case-sensitive names). Instances are immutable and thread-safe.
/// </remarks>
public sealed class ShellWordExpander(char escapeToken = '\\')
{
    public char EscapeToken { get; } = escapeToken;

    /// <summary>
    /// Keep quote characters in the result instead of removing them (BuildKit <c>RawQuotes</c>;
    /// set with <see cref="RawEscapes"/> and <see cref="SkipUnsetEnv"/> to find heredoc markers in
    /// an instruction line, and with <see cref="RawEscapes"/> to expand a COPY/ADD heredoc body).
    /// </summary>
    public bool RawQuotes { get; init; }

    /// <summary>
    /// Keep escape tokens in the result (BuildKit <c>RawEscapes</c>). Only the top level of the
    /// word: the defaults of <c>${x:-...}</c>, <c>+</c> and <c>?</c> are always unescaped.
    /// </summary>
    public bool RawEscapes { get; init; }

    /// <summary>
    /// Treat <c>'</c> and <c>"</c> as ordinary characters: only <c>$</c> and escapes are processed
    /// (BuildKit <c>SkipProcessQuotes</c>; used to expand RUN heredoc bodies, which are scripts).
    /// </summary>
    public bool SkipProcessQuotes { get; init; }

    /// <summary>
    /// Leave a reference to an unset variable as written — <c>$X</c>, <c>${X}</c>,
    /// <c>${X:-word}</c> with its word already processed, <c>${X/p/r}</c> (one slash even for
    /// <c>//</c>) — instead of expanding it (BuildKit <c>SkipUnsetEnv</c>). A variable that is
    /// set but empty still expands.
    /// </summary>
    public bool SkipUnsetEnv { get; init; }

    /// <summary>
    /// What every expansion through this expander spends from (one per Dockerfile load, see
    /// <see cref="FrontendLimits.MaxExpansionWork"/>); null for none. An expander with a budget is not thread-safe.
    /// </summary>
    internal ExpansionBudget? Budget { get; init; }

    /// <summary>The expander of COPY/ADD heredoc bodies (BuildKit's <c>ExpandRaw</c>), spending from the same budget.</summary>
    internal ShellWordExpander ForRawBodies() => new('\\') { SkipProcessQuotes = true, Budget = Budget };

    /// <summary>BuildKit's <c>ProcessWord</c>: expand and unquote into one string.</summary>
    public WordExpansion ExpandWord(string word, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(environment);

        var lexer = new ShellWordLexer(this, word, environment);
        var ok = lexer.TryProcess(null, out var value);
        return new WordExpansion(
            ok ? value : null,
            ok ? null : lexer.Error.Message,
            lexer.Matched.ToImmutableHashSet(StringComparer.Ordinal),
            lexer.Unmatched.ToImmutableHashSet(StringComparer.Ordinal))
        {
            ErrorCode = ok ? null : lexer.Error.Code,
        };
    }

    /// <summary>BuildKit's <c>ProcessWords</c>: expand, then split on unquoted white space.</summary>
    public WordsExpansion ExpandWords(string word, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(environment);

        var lexer = new ShellWordLexer(this, word, environment);
        var splitter = new WordSplitter();
        var ok = lexer.TryProcess(splitter, out _);
        return new WordsExpansion(
            ok ? splitter.Finish() : [],
            ok ? null : lexer.Error.Message,
            lexer.Matched.ToImmutableHashSet(StringComparer.Ordinal),
            lexer.Unmatched.ToImmutableHashSet(StringComparer.Ordinal))
        {
            ErrorCode = ok ? null : lexer.Error.Code,
        };
    }
}
