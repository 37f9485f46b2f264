using System.Collections.Immutable;

namespace Kiln.Dockerfile.Ignore;

/// <summary>
/// Reads the patterns of a .dockerignore file the way moby/patternmatcher's <c>ignorefile.ReadAll</c> does
/// (BuildKit and the docker CLI both use it). Text in, patterns out: decoding the file is the caller's job.
/// </summary>
public static class DockerignoreFile
{
    private const char ByteOrderMark = '\uFEFF';

    /// <summary>
    /// Splits <paramref name="text"/> into lines; strips a byte order mark from the first line; skips lines
    /// whose very first character is <c>#</c> (an indented <c>#</c> is a pattern); trims; skips empty lines;
    /// then cleans each pattern and makes absolute ones relative: <c>/a/b/</c> becomes <c>a/b</c> and
    /// <c>! /x</c> becomes <c>!x</c>. A lone <c>!</c> is kept; <see cref="PatternMatcher.Create"/> rejects it.
    /// A null text (no .dockerignore) yields no patterns.
    /// </summary>
    public static ImmutableArray<string> Parse(string? text) => [.. ParseLines(text).Select(p => p.Pattern)];

    /// <summary>
    /// <see cref="Parse"/>, each pattern with the 1-based line it came from, so an error can point at the line
    /// (<see cref="IgnorePatternError.Index"/> is a position in this list).
    /// </summary>
    public static ImmutableArray<(string Pattern, int Line)> ParseLines(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var patterns = ImmutableArray.CreateBuilder<(string Pattern, int Line)>();
        var start = 0;
        var first = true;
        var lineNumber = 0;
        while (start < text.Length)
        {
            lineNumber++;
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            var line = text.AsSpan(start, end - start);
            start = end + 1;

            // Go's bufio.ScanLines drops one "\r" before each "\n" (and at the end of the text), so CRLF
            // files read like LF files. The later trim would remove it anyway; it only matters for "#".
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (first)
            {
                first = false;
                if (line.Length > 0 && line[0] == ByteOrderMark)
                {
                    line = line[1..];
                }
            }

            if (line.Length > 0 && line[0] == '#')
            {
                continue;
            }

            // Go's strings.TrimSpace and .NET's Trim agree: both trim the Unicode White_Space set.
            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var invert = line[0] == '!';
            if (invert)
            {
                line = line[1..].Trim();
            }

            var pattern = string.Empty;
            if (line.Length > 0)
            {
                pattern = GoPath.Clean(line.ToString());
                if (pattern.Length > 1 && pattern[0] == '/')
                {
                    pattern = pattern[1..];
                }
            }

            patterns.Add((invert ? "!" + pattern : pattern, lineNumber));
        }

        return patterns.ToImmutable();
    }
}
