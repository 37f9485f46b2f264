using System.Collections.Immutable;
using System.Text;
using Kiln.Dockerfile.Diagnostics;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// BuildKit's <c>splitCommand</c>, <c>extractBuilderFlags</c> and the per-instruction line parsers
/// (<c>line_parsers.go</c>): how the rest of an instruction line becomes argument nodes. No quote removal,
/// no expansion: that is the binder's job.
/// </summary>
internal static class InstructionLineParser
{
    /// <summary>Keyword = first <c>[\t\v\f\r ]+</c>-separated word of the trimmed line; flags come off the front of the rest.</summary>
    public static CommandLine SplitCommand(string line)
    {
        var parts = GoText.SplitOnWhitespace(GoText.TrimSpace(line), 2);
        if (parts.Count < 2)
        {
            return new CommandLine(parts[0], [], string.Empty);
        }

        var rest = ExtractBuilderFlags(parts[1], out var flags);
        return new CommandLine(parts[0], flags, GoText.TrimSpace(rest));
    }

    /// <summary>
    /// Reads leading words that start with <c>--</c>; quotes inside them are removed and <c>\</c> (always
    /// backslash, whatever the escape directive says) escapes the next character; a bare <c>--</c> ends the flags.
    /// Upstream walks UTF-8 bytes and turns each byte into a rune of its own, so a non-ASCII flag comes out
    /// Latin-1-decoded (<c>é</c> becomes <c>Ã©</c>) and the bytes 0x85/0xA0 split words: reproduced on purpose.
    /// </summary>
    public static string ExtractBuilderFlags(string line, out ImmutableArray<string> flags)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var words = ImmutableArray.CreateBuilder<string>();
        var word = new StringBuilder();
        var inWord = false;
        var inQuote = false;
        byte quote = 0;
        var blankOk = false;
        var pos = 0;
        while (true)
        {
            var atEnd = pos == bytes.Length;
            var ch = atEnd ? (byte)0 : bytes[pos];
            if (!inWord && !inQuote)
            {
                if (atEnd)
                {
                    break;
                }

                if (GoText.IsSpaceByte(ch))
                {
                    pos++;
                    continue;
                }

                if (ch != '-' || pos + 1 == bytes.Length || bytes[pos + 1] != '-')
                {
                    flags = words.ToImmutable();
                    return Encoding.UTF8.GetString(bytes, pos, bytes.Length - pos);
                }

                inWord = true;
            }

            if (atEnd)
            {
                if (!IsDoubleDash(word) && (blankOk || word.Length > 0))
                {
                    words.Add(word.ToString());
                }

                break;
            }

            if (inWord)
            {
                if (GoText.IsSpaceByte(ch))
                {
                    inWord = false;
                    if (IsDoubleDash(word))
                    {
                        flags = words.ToImmutable();
                        return Encoding.UTF8.GetString(bytes, pos, bytes.Length - pos);
                    }

                    if (blankOk || word.Length > 0)
                    {
                        words.Add(word.ToString());
                    }

                    word.Clear();
                    blankOk = false;
                    pos++;
                    continue;
                }

                if (ch is (byte)'\'' or (byte)'"')
                {
                    quote = ch;
                    blankOk = true;
                    inWord = false;
                    inQuote = true;
                    pos++;
                    continue;
                }

                if (ch == '\\')
                {
                    if (pos + 1 == bytes.Length)
                    {
                        pos++;
                        continue;
                    }

                    pos++;
                    ch = bytes[pos];
                }

                word.Append((char)ch);
                pos++;
                continue;
            }

            // In a quote.
            if (ch == quote)
            {
                inQuote = false;
                inWord = true;
                pos++;
                continue;
            }

            if (ch == '\\')
            {
                if (pos + 1 == bytes.Length)
                {
                    inQuote = false;
                    inWord = true;
                    pos++;
                    continue;
                }

                pos++;
                ch = bytes[pos];
            }

            word.Append((char)ch);
            pos++;
        }

        flags = words.ToImmutable();
        return string.Empty;
    }

    private static bool IsDoubleDash(StringBuilder word) => word.Length == 2 && word[0] == '-' && word[1] == '-';

    /// <summary>The dispatch table of <c>parser.go</c>; keywords without an entry keep one empty argument.</summary>
    public static ArgumentParseResult ParseArguments(string lowerKeyword, string rest, char escapeToken) => lowerKeyword switch
    {
        "add" or "copy" or "volume" => ParseMaybeJsonToList(rest),
        "arg" => ArgumentParseResult.Of(ParseWords(rest, escapeToken)),
        "cmd" or "entrypoint" or "run" or "shell" => ParseMaybeJson(rest),
        "env" => ParseNameValue(rest, "ENV", escapeToken),
        "label" => ParseNameValue(rest, "LABEL", escapeToken),
        "expose" or "from" => ParseWhitespaceDelimited(rest),
        "healthcheck" => ParseHealthConfig(rest),
        "maintainer" or "stopsignal" or "user" or "workdir" => rest.Length == 0 ? ArgumentParseResult.None : ArgumentParseResult.Of([rest]),
        _ => ArgumentParseResult.Of([string.Empty]),
    };

    /// <summary>
    /// BuildKit's <c>parseWords</c>: split on unquoted Unicode space, keeping quotes and escapes in the words.
    /// Outside quotes the escape token always travels with the next character (even a quote); inside
    /// double quotes it protects the next character; inside single quotes it is literal. A trailing escape is dropped.
    /// </summary>
    public static ImmutableArray<string> ParseWords(string rest, char escapeToken)
    {
        var words = ImmutableArray.CreateBuilder<string>();
        var word = new StringBuilder();
        var phase = WordPhase.InSpaces;
        var quote = 0;
        var blankOk = false;
        var pos = 0;
        while (true)
        {
            var atEnd = pos >= rest.Length;
            var ch = 0;
            var width = 0;
            if (!atEnd)
            {
                (ch, width) = DecodeRune(rest, pos);
            }

            if (phase == WordPhase.InSpaces)
            {
                if (atEnd)
                {
                    break;
                }

                if (GoText.IsSpace(ch))
                {
                    pos += width;
                    continue;
                }

                phase = WordPhase.InWord;
            }

            if (atEnd)
            {
                if (blankOk || word.Length > 0)
                {
                    words.Add(word.ToString());
                }

                break;
            }

            if (phase == WordPhase.InWord)
            {
                if (GoText.IsSpace(ch))
                {
                    phase = WordPhase.InSpaces;
                    if (blankOk || word.Length > 0)
                    {
                        words.Add(word.ToString());
                    }

                    word.Clear();
                    blankOk = false;
                    pos += width;
                    continue;
                }

                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    phase = WordPhase.InQuote;
                }

                if (ch == escapeToken)
                {
                    if (pos + width == rest.Length)
                    {
                        pos += width;
                        continue;
                    }

                    AppendRune(word, ch);
                    pos += width;
                    (ch, width) = DecodeRune(rest, pos);
                }

                AppendRune(word, ch);
                pos += width;
                continue;
            }

            // In a quote.
            if (ch == quote)
            {
                phase = WordPhase.InWord;
            }

            if (ch == escapeToken && quote != '\'')
            {
                if (pos + width == rest.Length)
                {
                    phase = WordPhase.InWord;
                    pos += width;
                    continue;
                }

                pos += width;
                AppendRune(word, ch);
                (ch, width) = DecodeRune(rest, pos);
            }

            AppendRune(word, ch);
            pos += width;
        }

        return words.ToImmutable();
    }

    private enum WordPhase
    {
        InSpaces,
        InWord,
        InQuote,
    }

    private static (int Rune, int Width) DecodeRune(string s, int pos) =>
        char.IsHighSurrogate(s[pos]) && pos + 1 < s.Length && char.IsLowSurrogate(s[pos + 1])
            ? (char.ConvertToUtf32(s[pos], s[pos + 1]), 2)
            : (s[pos], 1);

    private static void AppendRune(StringBuilder sb, int rune)
    {
        if (rune > 0xFFFF)
        {
            sb.Append(char.ConvertFromUtf32(rune));
        }
        else
        {
            sb.Append((char)rune);
        }
    }

    /// <summary>
    /// BuildKit's <c>parseNameVal</c> for ENV and LABEL: a flat chain of <c>[name, value, sep]</c> triples.
    /// If the first word has no <c>=</c> it is the legacy <c>KEY name value</c> form (value = everything after
    /// the first white-space run, sep <c>""</c>); otherwise every word must be <c>name=value</c> (sep <c>"="</c>).
    /// </summary>
    public static ArgumentParseResult ParseNameValue(string rest, string key, char escapeToken)
    {
        var words = ParseWords(rest, escapeToken);
        if (words.Length == 0)
        {
            return ArgumentParseResult.None;
        }

        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            var parts = GoText.SplitOnWhitespace(rest, 2);
            if (parts.Count < 2)
            {
                return ArgumentParseResult.Failure(DiagnosticCodes.MissingKeyValue, $"{key} must have two arguments");
            }

            return ArgumentParseResult.Of([parts[0], parts[1], string.Empty]);
        }

        var values = new List<string>(words.Length * 3);
        foreach (var word in words)
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                return ArgumentParseResult.Failure(
                    DiagnosticCodes.KeyValueSyntax,
                    $"Syntax error - can't find = in {GoQuote.Quote(word)}. Must be of the form: name=value");
            }

            values.Add(word[..equals]);
            values.Add(word[(equals + 1)..]);
            values.Add("=");
        }

        return ArgumentParseResult.Of(values);
    }

    /// <summary>FROM and EXPOSE (and the non-JSON fallback of ADD/COPY/VOLUME): split on <c>[\t\v\f\r ]+</c>, quotes kept.</summary>
    public static ArgumentParseResult ParseWhitespaceDelimited(string rest) =>
        rest.Length == 0 ? ArgumentParseResult.None : ArgumentParseResult.Of(GoText.SplitOnWhitespace(rest, -1));

    /// <summary>RUN, CMD, ENTRYPOINT, SHELL: a JSON string array, else the whole rest as one argument.</summary>
    public static ArgumentParseResult ParseMaybeJson(string rest)
    {
        if (rest.Length == 0)
        {
            return ArgumentParseResult.None;
        }

        var json = GoJson.ParseStringArray(rest);
        return json.Outcome switch
        {
            JsonArrayOutcome.StringArray => ArgumentParseResult.Of(json.Values, isJson: true),
            JsonArrayOutcome.NotStringArray => NotStringArray(),
            _ => ArgumentParseResult.Of([rest]),
        };
    }

    /// <summary>ADD, COPY, VOLUME: a JSON string array, else white-space separated words.</summary>
    public static ArgumentParseResult ParseMaybeJsonToList(string rest)
    {
        var json = GoJson.ParseStringArray(rest);
        return json.Outcome switch
        {
            JsonArrayOutcome.StringArray => ArgumentParseResult.Of(json.Values, isJson: true),
            JsonArrayOutcome.NotStringArray => NotStringArray(),
            _ => ParseWhitespaceDelimited(rest),
        };
    }

    private static ArgumentParseResult NotStringArray() =>
        ArgumentParseResult.Failure(DiagnosticCodes.JsonNotStringArray, JsonArrayResult.NotStringArrayMessage);

    /// <summary>
    /// HEALTHCHECK: the first word (CMD, NONE, ...) then the rest parsed like CMD. Upstream finds the word end
    /// byte by byte with <c>unicode.IsSpace(rune(b))</c>, so the UTF-8 bytes 0x85 and 0xA0 also end it.
    /// </summary>
    public static ArgumentParseResult ParseHealthConfig(string rest)
    {
        var bytes = Encoding.UTF8.GetBytes(rest);
        var sep = 0;
        while (sep < bytes.Length && !GoText.IsSpaceByte(bytes[sep]))
        {
            sep++;
        }

        var next = sep;
        while (next < bytes.Length && GoText.IsSpaceByte(bytes[next]))
        {
            next++;
        }

        if (sep == 0)
        {
            return ArgumentParseResult.None;
        }

        var type = Encoding.UTF8.GetString(bytes, 0, sep);
        var command = ParseMaybeJson(Encoding.UTF8.GetString(bytes, next, bytes.Length - next));
        if (command.IsError)
        {
            return command;
        }

        return command with { Arguments = command.Arguments.Insert(0, new ArgumentSyntax(type)) };
    }
}
