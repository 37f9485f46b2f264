using System.Collections.Immutable;
using System.Text;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// One run of BuildKit's <c>parser.Parse</c> over a whole file. Mirrors its line loop: directives on the
/// first lines, comments collected for the next instruction, continuation lines joined, heredoc bodies
/// consumed after their instruction. Where BuildKit stops at the first error, this records a diagnostic and
/// carries on with the next line, so one run reports every problem it can.
/// </summary>
internal sealed class ParseSession
{
    /// <summary>Go's <c>bufio.MaxScanTokenSize</c>: a line (without its LF) of this many bytes stops the scanner.</summary>
    public const int MaxLineBytes = FrontendLimits.MaxLineBytes;

    private readonly string _text;
    private readonly CancellationToken _cancellationToken;
    private readonly List<(int Start, int Length)> _lines = [];
    private readonly DirectiveParser _directiveParser = new();
    private readonly ImmutableArray<ParserDirective>.Builder _directives = ImmutableArray.CreateBuilder<ParserDirective>();
    private readonly ImmutableArray<InstructionSyntax>.Builder _instructions = ImmutableArray.CreateBuilder<InstructionSyntax>();
    private readonly ImmutableArray<Diagnostic>.Builder _diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
    private readonly List<string> _comments = [];
    private char _escapeToken = '\\';
    private int _nextLine;
    private int _currentLine;
    private bool _stopped;
    private int _instructionLines;

    public ParseSession(string text, CancellationToken cancellationToken = default)
    {
        _cancellationToken = cancellationToken;
        _text = GoText.Sanitize(text);
        var start = 0;
        while (start < _text.Length)
        {
            var newline = _text.IndexOf('\n', start);
            var end = newline < 0 ? _text.Length : newline + 1;
            _lines.Add((start, end - start));
            start = end;
        }
    }

    public DockerfileSyntax Run()
    {
        while (TryScan(out var raw))
        {
            _cancellationToken.ThrowIfCancellationRequested();
            ParseLogicalLine(raw);
        }

        var span = SourceSpan.None;
        if (_instructionLines == 0)
        {
            _diagnostics.Add(Diagnostic.Error(DiagnosticCodes.NoInstructions, "file with no instructions", SourceSpan.Lines(_currentLine, _currentLine)));
        }

        if (_instructions.Count > 0)
        {
            span = SourceSpan.Lines(_instructions[0].Span.StartLine, _instructions[^1].Span.EndLine);
        }

        return new DockerfileSyntax(_directives.ToImmutable(), _escapeToken, _instructions.ToImmutable(), span, _diagnostics.ToImmutable());
    }

    /// <summary>UTF-8 byte length of a slice, computed only when it could reach the limit (3 bytes per UTF-16 unit at most).</summary>
    internal static int Utf8Length(string text, int start, int length) =>
        length * 3 < MaxLineBytes ? length : Encoding.UTF8.GetByteCount(text.AsSpan(start, length));

    /// <summary>The next physical line with its LF; false at the end, or at a line BuildKit's scanner cannot hold.</summary>
    private bool TryScan(out string raw)
    {
        raw = string.Empty;
        if (_stopped || _nextLine >= _lines.Count)
        {
            return false;
        }

        var (start, length) = _lines[_nextLine];
        var contentLength = length > 0 && _text[start + length - 1] == '\n' ? length - 1 : length;
        if (Utf8Length(_text, start, contentLength) >= MaxLineBytes)
        {
            // bufio.Scanner gives up here: everything from this line on is as if the file ended.
            _stopped = true;
            var lineNumber = _nextLine + 1;
            _diagnostics.Add(Diagnostic.Error(
                DiagnosticCodes.LineTooLong,
                $"dockerfile line greater than max allowed size of {MaxLineBytes - 1}",
                SourceSpan.Lines(lineNumber, lineNumber)));
            return false;
        }

        raw = _text.Substring(start, length);
        _nextLine++;
        return true;
    }

    private void ParseLogicalLine(string raw)
    {
        var firstPhysical = raw;
        if (_currentLine == 0 && firstPhysical.StartsWith('\uFEFF'))
        {
            firstPhysical = firstPhysical[1..];
        }

        var isCommentLine = IsComment(firstPhysical);
        if (isCommentLine)
        {
            var comment = CommentText(firstPhysical);
            if (comment.Length == 0)
            {
                _comments.Clear();
            }
            else
            {
                _comments.Add(comment);
            }
        }

        var processed = ProcessLine(firstPhysical, stripLeftWhitespace: true, out var wasDirective);
        if (wasDirective && isCommentLine && _comments.Count > 0)
        {
            // A directive is not a comment of the first instruction.
            _comments.RemoveAt(_comments.Count - 1);
        }

        _currentLine++;
        var startLine = _currentLine;
        var column = GoText.TrimNewline(firstPhysical).Length - processed.Length + 1;
        var (line, isEndOfLine) = TrimContinuation(processed);
        if (isEndOfLine && line.Length == 0)
        {
            return;
        }

        if (line.Length == 0)
        {
            // The keyword is not on the first line (it starts with a lone continuation).
            column = 0;
        }

        var logical = new StringBuilder(line);
        var firstEmptyContinuation = 0;
        while (!isEndOfLine && TryScan(out var next))
        {
            var continuation = ProcessLine(next, stripLeftWhitespace: false, out _);
            _currentLine++;
            if (IsComment(next))
            {
                continue;
            }

            if (GoText.TrimLeftSpace(continuation).Length == 0)
            {
                firstEmptyContinuation = firstEmptyContinuation == 0 ? _currentLine : firstEmptyContinuation;
                continue;
            }

            (continuation, isEndOfLine) = TrimContinuation(continuation);
            logical.Append(continuation);
        }

        var fullLine = logical.ToString();
        if (firstEmptyContinuation != 0)
        {
            _diagnostics.Add(Diagnostic.Warning(
                DiagnosticCodes.EmptyContinuationLine,
                "Empty continuation line found in: " + fullLine
                    + " (empty continuation lines will become errors in a future release; see https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/)",
                SourceSpan.Lines(firstEmptyContinuation, firstEmptyContinuation)));
        }

        // An instruction line that fails to parse still counts: the file is not "without instructions".
        _instructionLines++;
        var instruction = BuildInstruction(fullLine, SourceSpan.Lines(startLine, _currentLine), out var errorCode, out var error);
        if (instruction is null)
        {
            _diagnostics.Add(Diagnostic.Error(errorCode!, error!, new SourceSpan(startLine, column, _currentLine, 0)));
            _comments.Clear();
            return;
        }

        var heredocs = ImmutableArray<Heredoc>.Empty;
        if (CanContainHeredoc(instruction) && fullLine.Contains("<<", StringComparison.Ordinal))
        {
            heredocs = ReadHeredocs(fullLine, startLine, column);
            if (instruction.Arguments is [{ Child: { } child } wrapped])
            {
                // ONBUILD RUN <<EOF: the wrapped RUN also spans the body lines just read.
                instruction = instruction with { Arguments = [wrapped with { Child = child with { Span = SourceSpan.Lines(startLine, _currentLine) } }] };
            }
        }

        _instructions.Add(instruction with
        {
            Heredocs = heredocs,
            PrecedingComments = [.. _comments],
            Span = new SourceSpan(startLine, column, _currentLine, 0),
        });
        _comments.Clear();
    }

    private ImmutableArray<Heredoc> ReadHeredocs(string fullLine, int startLine, int column)
    {
        var markers = HeredocParser.HeredocsFromLine(fullLine);
        if (markers.Error is not null)
        {
            _diagnostics.Add(Diagnostic.Error(DiagnosticCodes.InvalidHeredoc, markers.Error, new SourceSpan(startLine, column, _currentLine, 0)));
            return [];
        }

        var heredocs = ImmutableArray.CreateBuilder<Heredoc>(markers.Heredocs.Length);
        foreach (var marker in markers.Heredocs)
        {
            var content = new StringBuilder();
            var terminated = false;
            while (TryScan(out var raw))
            {
                _currentLine++;
                var candidate = GoText.TrimNewline(raw);
                if (marker.Chomp)
                {
                    candidate = candidate.TrimStart('\t');
                }

                if (string.Equals(candidate, marker.Name, StringComparison.Ordinal))
                {
                    terminated = true;
                    break;
                }

                content.Append(raw);
            }

            heredocs.Add(marker with { Content = content.ToString() });
            if (!terminated)
            {
                _diagnostics.Add(Diagnostic.Error(
                    DiagnosticCodes.UnterminatedHeredoc,
                    $"unterminated heredoc {GoQuote.Quote(marker.Name)}",
                    new SourceSpan(startLine, column, _currentLine, 0)));
                break;
            }
        }

        return heredocs.ToImmutable();
    }

    /// <summary>
    /// BuildKit's <c>newNodeFromLine</c>. ONBUILD nests by re-parsing its rest as an instruction; that is done
    /// with a loop, not recursion, because continuation lines make the nesting depth unbounded.
    /// </summary>
    private InstructionSyntax? BuildInstruction(string line, SourceSpan span, out string? errorCode, out string? error)
    {
        var wrappers = new List<(CommandLine Command, string Original)>();
        var current = line;
        InstructionSyntax node;
        while (true)
        {
            var command = InstructionLineParser.SplitCommand(current);
            var lower = command.Keyword.ToLowerInvariant();
            if (lower == "onbuild" && command.Rest.Length > 0)
            {
                wrappers.Add((command, current));
                current = command.Rest;
                continue;
            }

            var parsed = lower == "onbuild"
                ? ArgumentParseResult.None
                : InstructionLineParser.ParseArguments(lower, command.Rest, _escapeToken);
            if (parsed.IsError)
            {
                errorCode = parsed.ErrorCode;
                error = parsed.Error;
                return null;
            }

            node = NewInstruction(command, parsed.Arguments, parsed.IsJson, current, span);
            break;
        }

        for (var i = wrappers.Count - 1; i >= 0; i--)
        {
            node = NewInstruction(wrappers[i].Command, [new ArgumentSyntax(string.Empty, node)], false, wrappers[i].Original, span);
        }

        errorCode = null;
        error = null;
        return node;
    }

    /// <summary>ONBUILD's wrapped instructions get the lines of the whole instruction (upstream leaves them at 0).</summary>
    private static InstructionSyntax NewInstruction(CommandLine command, ImmutableArray<ArgumentSyntax> arguments, bool isJson, string original, SourceSpan span) =>
        new(command.Keyword, command.Flags, arguments, isJson, original, [], [], span);

    /// <summary>RUN, COPY and ADD in shell form, directly or wrapped once by ONBUILD.</summary>
    private static bool CanContainHeredoc(InstructionSyntax instruction)
    {
        if (instruction.Name == "onbuild" && instruction.Arguments.Length > 0 && instruction.Arguments[0].Child is { } child)
        {
            instruction = child;
        }

        return instruction.Name is "run" or "copy" or "add" && !instruction.IsJson;
    }

    /// <summary>
    /// BuildKit's <c>processLine</c>: drop the line terminator (and, on a first line, leading white space),
    /// feed the directive parser, and blank out comment lines.
    /// </summary>
    private string ProcessLine(string raw, bool stripLeftWhitespace, out bool wasDirective)
    {
        var token = GoText.TrimNewline(raw);
        if (stripLeftWhitespace)
        {
            token = GoText.TrimLeftSpace(token);
        }

        wasDirective = false;
        var result = _directiveParser.ParseLine(token);
        var lineNumber = _currentLine + 1;
        if (result.Error is not null)
        {
            wasDirective = true;
            _diagnostics.Add(Diagnostic.Error(DiagnosticCodes.DuplicateDirective, result.Error, new SourceSpan(lineNumber, 1, lineNumber, 0)));
        }
        else if (result.Directive is { } directive)
        {
            wasDirective = true;
            if (directive.Name == DirectiveParser.Escape)
            {
                if (directive.Value is "\\" or "`")
                {
                    _escapeToken = directive.Value[0];
                    _directives.Add(directive);
                }
                else
                {
                    _diagnostics.Add(Diagnostic.Error(
                        DiagnosticCodes.InvalidEscapeToken,
                        $"invalid escape token '{directive.Value}' does not match ` or \\",
                        new SourceSpan(lineNumber, 1, lineNumber, 0)));
                }
            }
            else
            {
                _directives.Add(directive);
            }
        }

        return IsComment(token) ? string.Empty : token;
    }

    /// <summary>First non-space character is <c>#</c>.</summary>
    private static bool IsComment(string line)
    {
        foreach (var c in line)
        {
            if (!GoText.IsSpace(c))
            {
                return c == '#';
            }
        }

        return false;
    }

    /// <summary>
    /// Upstream takes the raw line minus its first BYTE and trims it: for <c># text</c> that is <c>text</c>, for
    /// an indented comment the <c>#</c> stays. A multi-byte first character leaves invalid UTF-8 bytes, which
    /// read back as U+FFFD each.
    /// </summary>
    private static string CommentText(string raw)
    {
        var first = raw[0];
        var leftover = first < 0x80 ? 0 : first < 0x800 ? 1 : char.IsHighSurrogate(first) ? 3 : 2;
        var skip = char.IsHighSurrogate(first) && raw.Length > 1 ? 2 : 1;
        return GoText.TrimSpace(new string('\uFFFD', leftover) + raw[skip..]);
    }

    /// <summary>
    /// BuildKit's continuation regex <c>([^E])E[ \t]*$|^E[ \t]*$</c> (E = escape token) replaced by <c>$1</c>:
    /// an escape token followed only by spaces/tabs ends the line, unless it is itself escaped.
    /// </summary>
    private (string Line, bool IsEndOfLine) TrimContinuation(string line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is ' ' or '\t')
        {
            end--;
        }

        if (end == 0 || line[end - 1] != _escapeToken)
        {
            return (line, true);
        }

        if (end == 1)
        {
            return (string.Empty, false);
        }

        return line[end - 2] == _escapeToken ? (line, true) : (line[..(end - 1)], false);
    }
}
