using System.Runtime.CompilerServices;
using System.Text;
using Kiln.Dockerfile.Diagnostics;

namespace Kiln.Dockerfile.Expansion;

/// <summary>
/// One run of BuildKit's <c>shell.Lex</c> over one word: a hand-written recursive scanner that
/// expands <c>$</c> forms, removes quotes and escapes, and (at the top level only) splits words.
/// Errors never throw: the first one is recorded and every caller unwinds by returning false.
/// </summary>
internal sealed class ShellWordLexer
{
    private const int Eof = RuneText.Eof;

    // Go grows its stacks; .NET does not. Real Dockerfiles nest a handful of levels; this cap
    // (plus the runtime's own stack probe) turns a hostile input into an error, not a crash.
    private const int MaxNesting = 200;

    private readonly ShellWordExpander options;
    private readonly string text;
    private readonly IReadOnlyDictionary<string, string> environment;
    private int position;
    private bool rawEscapes;
    private int nesting;

    public ShellWordLexer(ShellWordExpander options, string text, IReadOnlyDictionary<string, string> environment)
    {
        this.options = options;
        this.text = text;
        this.environment = environment;

        // Go's text/scanner silently skips a byte order mark that starts its input.
        position = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
    }

    public HashSet<string> Matched { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Unmatched { get; } = new(StringComparer.Ordinal);

    public ExpansionError Error { get; private set; }

    public bool TryProcess(WordSplitter? words, out string result) =>
        TryScanUntil(Eof, options.RawEscapes, words, out result);

    private int Peek() => position < text.Length ? RuneText.RuneAt(text, position, out _) : Eof;

    private int Next()
    {
        if (position >= text.Length)
        {
            return Eof;
        }

        var rune = RuneText.RuneAt(text, position, out var width);
        position += width;
        return rune;
    }

    private bool Fail(ExpansionError error)
    {
        Error = error;
        return false;
    }

    /// <summary>After <paramref name="added"/> characters went into <paramref name="builder"/>: false (failed) past a limit.</summary>
    private bool Fits(StringBuilder builder, int added) =>
        builder.Length <= FrontendLimits.MaxExpandedWordLength ? Spend(added) : Fail(ExpansionError.WordTooLong());

    private bool Spend(long work) =>
        options.Budget is not { } budget || budget.TrySpend(work, out var error) || Fail(error);

    /// <summary>
    /// BuildKit's <c>processStopOn</c>: reads up to (and consumes) <paramref name="stop"/>, or to the
    /// end of the word when <paramref name="stop"/> is EOF. The escape token escapes any character
    /// (even the stop character); a trailing lone escape is dropped. <paramref name="raw"/> keeps
    /// escape tokens in the result; it is on for the patterns and replacements of <c>#</c>,
    /// <c>%</c> and <c>/</c> so that the glob still sees <c>\*</c>, and it also governs escapes
    /// inside double quotes met on the way.
    /// </summary>
    private bool TryScanUntil(int stop, bool raw, WordSplitter? words, out string result)
    {
        var saved = rawEscapes;
        rawEscapes = raw;
        try
        {
            return ScanUntil(stop, words, out result);
        }
        finally
        {
            rawEscapes = saved;
        }
    }

    private bool ScanUntil(int stop, WordSplitter? words, out string result)
    {
        result = string.Empty;
        var builder = new StringBuilder();
        while (Peek() != Eof)
        {
            var rune = Peek();
            if (stop != Eof && rune == stop)
            {
                Next();
                result = builder.ToString();
                return true;
            }

            if (rune == '$' || (!options.SkipProcessQuotes && rune is '\'' or '"'))
            {
                string piece;
                var ok = rune switch
                {
                    '$' => TryExpandDollar(out piece),
                    '\'' => TrySingleQuoted(out piece),
                    _ => TryDoubleQuoted(out piece),
                };
                if (!ok)
                {
                    return false;
                }

                builder.Append(piece);
                if (!Fits(builder, piece.Length))
                {
                    return false;
                }

                if (rune == '$')
                {
                    words?.AddExpansion(piece);
                }
                else
                {
                    words?.AddQuoted(piece);
                }

                continue;
            }

            rune = Next();
            if (rune == options.EscapeToken)
            {
                if (rawEscapes)
                {
                    words?.AddLiteral(rune);
                    RuneText.Append(builder, rune);
                }

                rune = Next();
                if (rune == Eof)
                {
                    break;
                }

                words?.AddLiteral(rune);
            }
            else
            {
                words?.AddUnquoted(rune);
            }

            RuneText.Append(builder, rune);
        }

        if (stop != Eof)
        {
            return Fail(new ExpansionError(
                DiagnosticCodes.ExpansionUnterminatedSubstitution,
                "unexpected end of statement while looking for matching " + RuneText.ToText(stop)));
        }

        result = builder.ToString();
        return true;
    }

    /// <summary>Everything up to the next <c>'</c> is literal; there is no way to escape a <c>'</c>.</summary>
    private bool TrySingleQuoted(out string result)
    {
        result = string.Empty;
        var builder = new StringBuilder();
        var quote = Next();
        if (options.RawQuotes)
        {
            RuneText.Append(builder, quote);
        }

        while (true)
        {
            var rune = Next();
            switch (rune)
            {
                case Eof:
                    return Fail(new ExpansionError(
                        DiagnosticCodes.ExpansionUnterminatedQuote,
                        "unexpected end of statement while looking for matching single-quote"));
                case '\'':
                    if (options.RawQuotes)
                    {
                        RuneText.Append(builder, rune);
                    }

                    result = builder.ToString();
                    return true;
                default:
                    RuneText.Append(builder, rune);
                    break;
            }
        }
    }

    /// <summary>
    /// Inside <c>"..."</c> only <c>$</c> expands, and the escape token escapes only <c>"</c>,
    /// <c>$</c> and itself; before anything else (a newline included, unlike POSIX) it stays.
    /// With raw escapes on, the escape token is written AND, when it escapes nothing, written
    /// again as the literal it then is (BuildKit: <c>"\x"</c> becomes <c>\\x</c>).
    /// </summary>
    private bool TryDoubleQuoted(out string result)
    {
        result = string.Empty;
        var builder = new StringBuilder();
        var quote = Next();
        if (options.RawQuotes)
        {
            RuneText.Append(builder, quote);
        }

        while (true)
        {
            switch (Peek())
            {
                case Eof:
                    return Fail(new ExpansionError(
                        DiagnosticCodes.ExpansionUnterminatedQuote,
                        "unexpected end of statement while looking for matching double-quote"));
                case '"':
                    var closing = Next();
                    if (options.RawQuotes)
                    {
                        RuneText.Append(builder, closing);
                    }

                    result = builder.ToString();
                    return true;
                case '$':
                    if (!TryExpandDollar(out var value))
                    {
                        return false;
                    }

                    builder.Append(value);
                    if (!Fits(builder, value.Length))
                    {
                        return false;
                    }

                    break;
                default:
                    var rune = Next();
                    if (rune == options.EscapeToken)
                    {
                        if (rawEscapes)
                        {
                            RuneText.Append(builder, rune);
                        }

                        var escaped = Peek();
                        if (escaped == Eof)
                        {
                            continue;
                        }

                        if (escaped == '"' || escaped == '$' || escaped == options.EscapeToken)
                        {
                            rune = Next();
                        }
                    }

                    RuneText.Append(builder, rune);
                    break;
            }
        }
    }

    private bool TryExpandDollar(out string value)
    {
        if (nesting >= MaxNesting || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            value = string.Empty;
            return Fail(new ExpansionError(DiagnosticCodes.ExpansionTooDeeplyNested, "substitutions are nested too deeply"));
        }

        nesting++;
        try
        {
            return ExpandDollar(out value);
        }
        finally
        {
            nesting--;
        }
    }

    private bool ExpandDollar(out string value)
    {
        value = string.Empty;
        Next();

        if (Peek() != '{')
        {
            var bare = ScanName();
            if (bare.Length == 0)
            {
                // `$` before anything that cannot start a name stays literal.
                value = "$";
                return true;
            }

            var found = Lookup(bare, out value);
            if (!found && options.SkipUnsetEnv)
            {
                value = "$" + bare;
            }

            return true;
        }

        Next();
        switch (Peek())
        {
            case Eof:
                return Fail(ExpansionError.MissingBrace());
            case '{' or '}' or ':':
                return Fail(new ExpansionError(DiagnosticCodes.ExpansionBadSubstitution, "syntax error: bad substitution"));
        }

        var name = ScanName();
        var modifier = Next();
        switch (modifier)
        {
            case Eof:
                // BuildKit reports this as "unsupported modifier (\uFFFD)"; the truth is clearer.
                return Fail(ExpansionError.MissingBrace());
            case '}':
                var set = Lookup(name, out value);
                if (!set && options.SkipUnsetEnv)
                {
                    value = "${" + name + "}";
                }

                return true;
            case ':':
                var second = Next();
                return TryApplyModifier(name, second, RuneText.ToText(':') + RuneText.ToText(second), nullIsUnset: true, out value);
            case '+' or '-' or '?' or '#' or '%':
                return TryApplyModifier(name, modifier, RuneText.ToText(modifier), nullIsUnset: false, out value);
            case '/':
                return TryReplace(name, out value);
            default:
                // `${x=y}` (assignment) and `${.}` land here: BuildKit never assigns.
                return Fail(ExpansionError.UnsupportedModifier(RuneText.ToText(modifier)));
        }
    }

    private bool TryApplyModifier(string name, int modifier, string written, bool nullIsUnset, out string value)
    {
        value = string.Empty;
        var isPattern = modifier is '#' or '%';
        if (nullIsUnset && isPattern)
        {
            return Fail(ExpansionError.UnsupportedModifier(written));
        }

        if (!TryScanUntil('}', isPattern, null, out var word))
        {
            if (Peek() == Eof)
            {
                Error = ExpansionError.MissingBrace();
            }

            return false;
        }

        var set = Lookup(name, out var current);
        if (options.SkipUnsetEnv && !set)
        {
            // Re-emits the processed word: quotes inside it are already removed.
            value = "${" + name + written + word + "}";
            return true;
        }

        var unsetOrNull = !set || (nullIsUnset && current.Length == 0);
        switch (modifier)
        {
            case '-':
                value = unsetOrNull ? word : current;
                return true;
            case '+':
                value = unsetOrNull ? string.Empty : word;
                return true;
            case '?':
                if (!set || (nullIsUnset && current.Length == 0))
                {
                    var message = word.Length > 0 ? word : !set ? "is not allowed to be unset" : "is not allowed to be empty";
                    return Fail(new ExpansionError(DiagnosticCodes.ExpansionRequiredVariable, name + ": " + message));
                }

                value = current;
                return true;
            case '#' or '%':
                // The doubled form is recognised AFTER the word is expanded, as BuildKit does:
                // `${v#"#"x}` is the greedy `##x`.
                var greedy = word.Length > 0 && word[0] == modifier;
                var pattern = greedy ? word[1..] : word;
                if (!Spend((long)(pattern.Length + 1) * (current.Length + 1)))
                {
                    return false;
                }

                ExpansionError error;
                var ok = modifier == '#'
                    ? PatternOperations.TryTrimPrefix(pattern, current, greedy, out value, out error)
                    : PatternOperations.TryTrimSuffix(pattern, current, greedy, out value, out error);
                return ok || Fail(error);
            default:
                return Fail(ExpansionError.UnsupportedModifier(written));
        }
    }

    private bool TryReplace(string name, out string value)
    {
        value = string.Empty;
        var all = Peek() == '/';
        if (all)
        {
            Next();
        }

        if (!TryScanUntil('/', true, null, out var pattern))
        {
            if (Peek() == Eof)
            {
                Error = new ExpansionError(DiagnosticCodes.ExpansionUnterminatedSubstitution, "syntax error: missing '/' in ${}");
            }

            return false;
        }

        if (!TryScanUntil('}', true, null, out var replacement))
        {
            if (Peek() == Eof)
            {
                Error = ExpansionError.MissingBrace();
            }

            return false;
        }

        var set = Lookup(name, out var current);
        if (options.SkipUnsetEnv && !set)
        {
            // BuildKit writes one slash back even for `//`.
            value = "${" + name + "/" + pattern + "/" + replacement + "}";
            return true;
        }

        return Spend((long)(pattern.Length + 1) * (current.Length + 1))
            && (PatternOperations.TryReplace(pattern, replacement, current, all, FrontendLimits.MaxExpandedWordLength, out value, out var error) || Fail(error));
    }

    /// <summary>
    /// A name is a run of letters, digits and <c>_</c> (Unicode letters and digits count); a leading
    /// digit starts a positional parameter that takes every following digit and nothing else
    /// (<c>$12a</c> is <c>$12</c> then <c>a</c>); one of <c>@*#?-$!</c> is a whole special parameter.
    /// </summary>
    private string ScanName()
    {
        var builder = new StringBuilder();
        while (Peek() != Eof)
        {
            var rune = Peek();
            if (builder.Length == 0 && RuneText.IsDigit(rune))
            {
                while (Peek() != Eof && RuneText.IsDigit(Peek()))
                {
                    RuneText.Append(builder, Next());
                }

                return builder.ToString();
            }

            if (builder.Length == 0 && rune is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
            {
                return RuneText.ToText(Next());
            }

            if (!RuneText.IsLetter(rune) && !RuneText.IsDigit(rune) && rune != '_')
            {
                break;
            }

            RuneText.Append(builder, Next());
        }

        return builder.ToString();
    }

    /// <summary>
    /// Every lookup is recorded, found or not, as BuildKit's <c>ProcessWordWithMatches</c> does.
    /// Positional and special parameters are looked up like any name; the environment never
    /// defines them, so they expand to nothing.
    /// </summary>
    private bool Lookup(string name, out string value)
    {
        if (environment.TryGetValue(name, out var found))
        {
            Matched.Add(name);
            value = found;
            return true;
        }

        Unmatched.Add(name);
        value = string.Empty;
        return false;
    }
}
