using System.Runtime.CompilerServices;
using System.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// The slice of BuildKit's <c>shell.Lex.ProcessWords</c> that heredoc detection runs: escape token <c>\</c>,
/// an empty environment with <c>SkipUnsetEnv</c> (so <c>$X</c>, <c>${X}</c>, <c>${X:-y}</c> stay as written,
/// only their syntax is checked), optional <c>RawQuotes</c>/<c>RawEscapes</c>, and the <c>&lt;&lt;</c> rule that
/// keeps the spaces, tabs and CRs after an unquoted <c>&lt;&lt;</c> in the same word (so <c>&lt;&lt;  EOF</c> is one word).
/// Kept separate from the full expander on purpose: the parser must not depend on expansion semantics.
/// </summary>
internal sealed class HeredocWordLexer
{
    private const int Eof = -1;
    private const int EscapeToken = '\\';

    private readonly int[] _runes;
    private readonly bool _rawQuotes;

    // Upstream shares one word buffer between nested ${...} scans and resets it at the start of each scan;
    // kept, so a word in progress before a nested modifier is dropped exactly as BuildKit drops it.
    private readonly StringBuilder _wordsBuffer = new();
    private bool _rawEscapes;
    private int _pos;

    private HeredocWordLexer(string text, bool rawQuotes, bool rawEscapes)
    {
        var runes = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            runes.Add(rune.Value);
        }

        _runes = [.. runes];

        // Go's text/scanner drops a BOM that starts its input.
        _pos = _runes.Length > 0 && _runes[0] == 0xFEFF ? 1 : 0;
        _rawQuotes = rawQuotes;
        _rawEscapes = rawEscapes;
    }

    /// <summary>Splits <paramref name="text"/> into words; false (with BuildKit's message) on a lexing error.</summary>
    public static bool TryProcessWords(string text, bool rawQuotes, bool rawEscapes, out List<string> words, out string? error)
    {
        var lexer = new HeredocWordLexer(GoText.Sanitize(text), rawQuotes, rawEscapes);
        if (lexer.ProcessStopOn(Eof, rawEscapes, out _, out words, out error))
        {
            return true;
        }

        error = $"failed to process {GoQuote.Quote(text)}: {error}";
        return false;
    }

    private int Peek() => _pos < _runes.Length ? _runes[_pos] : Eof;

    private int Next()
    {
        var ch = Peek();
        if (ch != Eof)
        {
            _pos++;
        }

        return ch;
    }

    private static string RuneText(int rune) => rune == Eof ? "\uFFFD" : char.ConvertFromUtf32(rune);

    private bool ProcessStopOn(int stopChar, bool rawEscapes, out string result, out List<string> words, out string? error)
    {
        var sb = new StringBuilder();
        _wordsBuffer.Clear();
        var collector = new WordCollector(_wordsBuffer);
        var saved = _rawEscapes;
        _rawEscapes = rawEscapes;
        try
        {
            while (Peek() != Eof)
            {
                var ch = Peek();
                if (stopChar != Eof && ch == stopChar)
                {
                    Next();
                    result = sb.ToString();
                    words = collector.GetWords();
                    error = null;
                    return true;
                }

                if (ch is '$' or '<' or '\'' or '"')
                {
                    string? piece;
                    var ok = ch switch
                    {
                        '$' => ProcessDollar(out piece, out error),
                        '<' => ProcessPossibleHeredoc(out piece, out error),
                        '\'' => ProcessSingleQuote(out piece, out error),
                        _ => ProcessDoubleQuote(out piece, out error),
                    };
                    if (!ok)
                    {
                        result = string.Empty;
                        words = [];
                        return false;
                    }

                    sb.Append(piece);
                    if (ch == '$')
                    {
                        collector.AddString(piece!);
                    }
                    else
                    {
                        collector.AddRawString(piece!);
                    }

                    continue;
                }

                ch = Next();
                if (ch == EscapeToken)
                {
                    if (_rawEscapes)
                    {
                        collector.AddRawChar(ch);
                        sb.Append(RuneText(ch));
                    }

                    ch = Next();
                    if (ch == Eof)
                    {
                        break;
                    }

                    collector.AddRawChar(ch);
                }
                else
                {
                    collector.AddChar(ch);
                }

                sb.Append(RuneText(ch));
            }

            if (stopChar != Eof)
            {
                result = string.Empty;
                words = [];
                error = $"unexpected end of statement while looking for matching {RuneText(stopChar)}";
                return false;
            }

            result = sb.ToString();
            words = collector.GetWords();
            error = null;
            return true;
        }
        finally
        {
            _rawEscapes = saved;
        }
    }

    private bool ProcessSingleQuote(out string? piece, out string? error)
    {
        var sb = new StringBuilder();
        var ch = Next();
        if (_rawQuotes)
        {
            sb.Append(RuneText(ch));
        }

        while (true)
        {
            ch = Next();
            if (ch == Eof)
            {
                piece = null;
                error = "unexpected end of statement while looking for matching single-quote";
                return false;
            }

            if (ch == '\'')
            {
                if (_rawQuotes)
                {
                    sb.Append('\'');
                }

                piece = sb.ToString();
                error = null;
                return true;
            }

            sb.Append(RuneText(ch));
        }
    }

    private bool ProcessDoubleQuote(out string? piece, out string? error)
    {
        var sb = new StringBuilder();
        var ch = Next();
        if (_rawQuotes)
        {
            sb.Append(RuneText(ch));
        }

        while (true)
        {
            switch (Peek())
            {
                case Eof:
                    piece = null;
                    error = "unexpected end of statement while looking for matching double-quote";
                    return false;
                case '"':
                    Next();
                    if (_rawQuotes)
                    {
                        sb.Append('"');
                    }

                    piece = sb.ToString();
                    error = null;
                    return true;
                case '$':
                    if (!ProcessDollar(out var value, out error))
                    {
                        piece = null;
                        return false;
                    }

                    sb.Append(value);
                    break;
                default:
                    ch = Next();
                    if (ch == EscapeToken)
                    {
                        if (_rawEscapes)
                        {
                            sb.Append(RuneText(ch));
                        }

                        var after = Peek();
                        if (after == Eof)
                        {
                            // A trailing escape is dropped; the loop then reports the missing quote.
                            continue;
                        }

                        if (after is '"' or '$' or EscapeToken)
                        {
                            ch = Next();
                        }
                    }

                    sb.Append(RuneText(ch));
                    break;
            }
        }
    }

    private bool ProcessDollar(out string? piece, out string? error)
    {
        piece = null;
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            // Go's stacks grow; ours do not. Absurd ${...} nesting is reported instead of crashing.
            error = "variable substitutions nested too deeply";
            return false;
        }

        Next();
        if (Peek() != '{')
        {
            var plainName = ProcessName();
            piece = plainName.Length == 0 ? "$" : "$" + plainName;
            error = null;
            return true;
        }

        Next();
        switch (Peek())
        {
            case Eof:
                error = "syntax error: missing '}'";
                return false;
            case '{' or '}' or ':':
                error = "syntax error: bad substitution";
                return false;
            default:
                break;
        }

        var name = ProcessName();
        var ch = Next();
        var chs = RuneText(ch);
        var nullIsUnset = false;
        switch (ch)
        {
            case '}':
                piece = "${" + name + "}";
                error = null;
                return true;
            case ':' or '+' or '-' or '?' or '#' or '%':
            {
                if (ch == ':')
                {
                    nullIsUnset = true;
                    ch = Next();
                    chs += RuneText(ch);
                }

                var rawEscapes = ch is '#' or '%';
                if (nullIsUnset && rawEscapes)
                {
                    error = $"unsupported modifier ({chs}) in substitution";
                    return false;
                }

                if (!ProcessStopOn('}', rawEscapes, out var word, out _, out error))
                {
                    if (Peek() == Eof)
                    {
                        error = "syntax error: missing '}'";
                    }

                    return false;
                }

                // The environment is empty and unset variables are skipped: the reference stays as written.
                piece = "${" + name + chs + word + "}";
                return true;
            }

            case '/':
            {
                if (Peek() == '/')
                {
                    Next();
                }

                if (!ProcessStopOn('/', true, out var pattern, out _, out error))
                {
                    if (Peek() == Eof)
                    {
                        error = "syntax error: missing '/' in ${}";
                    }

                    return false;
                }

                if (!ProcessStopOn('}', true, out var replacement, out _, out error))
                {
                    if (Peek() == Eof)
                    {
                        error = "syntax error: missing '}'";
                    }

                    return false;
                }

                // Upstream re-spells ${X//a/b} with a single slash when X is unset; kept.
                piece = "${" + name + "/" + pattern + "/" + replacement + "}";
                return true;
            }

            default:
                error = $"unsupported modifier ({chs}) in substitution";
                return false;
        }
    }

    private string ProcessName()
    {
        var sb = new StringBuilder();
        while (Peek() != Eof)
        {
            var ch = Peek();
            if (sb.Length == 0 && IsDigit(ch))
            {
                while (Peek() != Eof && IsDigit(Peek()))
                {
                    sb.Append(RuneText(Next()));
                }

                return sb.ToString();
            }

            if (sb.Length == 0 && ch is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
            {
                return RuneText(Next());
            }

            if (!IsLetter(ch) && !IsDigit(ch) && ch != '_')
            {
                break;
            }

            sb.Append(RuneText(Next()));
        }

        return sb.ToString();
    }

    private static bool IsDigit(int rune) => Rune.IsValid(rune) && Rune.IsDigit(new Rune(rune));

    private static bool IsLetter(int rune) => Rune.IsValid(rune) && Rune.IsLetter(new Rune(rune));

    private bool ProcessPossibleHeredoc(out string? piece, out string? error)
    {
        error = null;
        Next();
        if (Peek() != '<')
        {
            piece = "<";
            return true;
        }

        Next();
        var sb = new StringBuilder("<<");
        while (Peek() is ' ' or '\t' or '\r')
        {
            sb.Append((char)Next());
        }

        piece = sb.ToString();
        return true;
    }

    /// <summary>Upstream's <c>wordsStruct</c>: splits on unquoted Unicode space, drops empty words.</summary>
    private sealed class WordCollector(StringBuilder buffer)
    {
        private readonly List<string> _words = [];
        private bool _inWord;

        public void AddChar(int ch)
        {
            if (GoText.IsSpace(ch))
            {
                if (_inWord && buffer.Length != 0)
                {
                    _words.Add(buffer.ToString());
                    buffer.Clear();
                    _inWord = false;
                }
            }
            else
            {
                AddRawChar(ch);
            }
        }

        public void AddRawChar(int ch)
        {
            buffer.Append(RuneText(ch));
            _inWord = true;
        }

        public void AddString(string text)
        {
            foreach (var rune in text.EnumerateRunes())
            {
                AddChar(rune.Value);
            }
        }

        public void AddRawString(string text)
        {
            buffer.Append(text);
            _inWord = true;
        }

        public List<string> GetWords()
        {
            if (buffer.Length > 0)
            {
                _words.Add(buffer.ToString());
                buffer.Clear();
                _inWord = false;
            }

            return _words;
        }
    }
}
