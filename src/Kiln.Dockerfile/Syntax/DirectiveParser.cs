using System.Collections.Immutable;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// BuildKit's <c>DirectiveParser</c>: reads <c># key=value</c> lines until the first line that is not a
/// known directive (<c>syntax</c>, <c>escape</c>, <c>check</c>; keys case-insensitive and reported lower-case).
/// A repeated directive is an error. The line regex is BuildKit's
/// <c>^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$</c>, hand-coded so that long lines stay linear.
/// </summary>
internal sealed class DirectiveParser(string commentPrefix = "#", int linesBefore = 0)
{
    public const string Syntax = "syntax";
    public const string Escape = "escape";
    public const string Check = "check";

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private int _line = linesBefore;

    /// <summary>True once a non-directive line has been seen; later lines are never directives.</summary>
    public bool IsDone { get; private set; }

    /// <summary>Feeds the next line (without its line terminator).</summary>
    public DirectiveLineResult ParseLine(string line)
    {
        _line++;
        if (IsDone)
        {
            return default;
        }

        if (!TryMatch(line, commentPrefix, out var name, out var value) || !IsKnown(name))
        {
            IsDone = true;
            return default;
        }

        if (!_seen.Add(name))
        {
            return new DirectiveLineResult(null, $"only one {name} parser directive can be used");
        }

        return new DirectiveLineResult(new ParserDirective(name, value, SourceSpan.Lines(_line, _line)), null);
    }

    /// <summary>BuildKit's <c>ParseAll</c>: every directive before the first non-directive line (stops at a repeated one).</summary>
    public ImmutableArray<ParserDirective> ParseAll(string text)
    {
        var directives = ImmutableArray.CreateBuilder<ParserDirective>();
        foreach (var line in ScanLines(text))
        {
            if (IsDone)
            {
                break;
            }

            var result = ParseLine(line);
            if (result.Error is not null)
            {
                break;
            }

            if (result.Directive is not null)
            {
                directives.Add(result.Directive);
            }
        }

        return directives.ToImmutable();
    }

    /// <summary>
    /// BuildKit's <c>DetectSyntax</c>: a <c>#</c> directive, else a <c>//</c> directive, else a whole-file JSON
    /// object with a string <c>syntax</c> member. A UTF-8 BOM is dropped and a leading <c>#!</c> line skipped (but counted).
    /// </summary>
    public static DirectiveDetection? DetectSyntax(string text) => Detect(Syntax, text, anyFormat: true);

    /// <summary>BuildKit's <c>ParseDirective(key, dt)</c>: like <see cref="DetectSyntax"/> but only the <c>#</c> form.</summary>
    public static DirectiveDetection? ParseDirective(string key, string text) => Detect(key, text, anyFormat: false);

    private static DirectiveDetection? Detect(string key, string text, bool anyFormat)
    {
        text = GoText.Sanitize(text);
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        var linesBefore = 0;
        if (text.StartsWith("#!", StringComparison.Ordinal))
        {
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            text = newline < 0 ? string.Empty : text[(newline + 1)..];
            linesBefore = 1;
        }

        var found = FindIn(key, text, new DirectiveParser("#", linesBefore));
        if (found is not null || !anyFormat)
        {
            return found;
        }

        found = FindIn(key, text, new DirectiveParser("//", linesBefore));
        if (found is not null)
        {
            return found;
        }

        return GoJson.TryGetStringMember(text, key, out var value)
            ? new DirectiveDetection(value, value, linesBefore)
            : null;
    }

    private static DirectiveDetection? FindIn(string key, string text, DirectiveParser parser)
    {
        foreach (var directive in parser.ParseAll(text))
        {
            if (directive.Name == key)
            {
                var space = directive.Value.IndexOf(' ', StringComparison.Ordinal);
                var reference = space < 0 ? directive.Value : directive.Value[..space];
                return new DirectiveDetection(reference, directive.Value, directive.Span.StartLine);
            }
        }

        return null;
    }

    private static bool IsKnown(string name) => name is Syntax or Escape or Check;

    /// <summary>Go's <c>bufio.ScanLines</c>: split on LF, drop one CR before it, no empty final line; a line of 64 KiB or more stops the scan.</summary>
    private static IEnumerable<string> ScanLines(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            if (ParseSession.Utf8Length(text, start, end - start) >= ParseSession.MaxLineBytes)
            {
                yield break;
            }

            var line = text[start..end];
            if (newline >= 0 && line.EndsWith('\r'))
            {
                line = line[..^1];
            }

            yield return line;
            if (newline < 0)
            {
                yield break;
            }

            start = newline + 1;
        }
    }

    /// <summary>The directive regex, with Go's <c>\s</c> = <c>[\t\n\f\r ]</c> and its lazy-value backtracking.</summary>
    private static bool TryMatch(string line, string prefix, out string name, out string value)
    {
        name = string.Empty;
        value = string.Empty;
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var i = SkipSpace(line, prefix.Length);
        var nameStart = i;
        if (i >= line.Length || !char.IsAsciiLetter(line[i]))
        {
            return false;
        }

        while (i < line.Length && char.IsAsciiLetterOrDigit(line[i]))
        {
            i++;
        }

        var rawName = line[nameStart..i];
        i = SkipSpace(line, i);
        if (i >= line.Length || line[i] != '=')
        {
            return false;
        }

        var rest = line[(i + 1)..];
        if (rest.Length == 0)
        {
            return false;
        }

        var valueStart = SkipSpace(rest, 0);
        if (valueStart == rest.Length)
        {
            // All white space: the greedy \s* gives back one character so that (.+?) can match it.
            value = rest[^1..];
        }
        else
        {
            var valueEnd = rest.Length;
            while (valueEnd > valueStart && IsRegexSpace(rest[valueEnd - 1]))
            {
                valueEnd--;
            }

            value = rest[valueStart..valueEnd];
        }

        name = rawName.ToLowerInvariant();
        return true;
    }

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length && IsRegexSpace(s[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsRegexSpace(char c) => c is '\t' or '\n' or '\f' or '\r' or ' ';
}
