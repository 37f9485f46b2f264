using System.Globalization;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Text;

namespace Kiln.Cli.Rendering;

/// <summary>
/// Prints diagnostics the way BuildKit prints a failed Dockerfile: the file and line, a ruler,
/// the offending lines marked <c>&gt;&gt;&gt;</c> with context around them, a ruler, then the message.
/// Users already read that shape every day, so we keep it, and add our stable code and the column.
/// </summary>
internal sealed class DiagnosticRenderer(TextWriter output)
{
    private const int RulerWidth = 20;

    // An excerpt line or a message longer than this is cut (a Dockerfile line may be 64 KiB, standard input 512 MB
    // without a line feed); real Dockerfile lines and messages fit.
    private const int LineWidth = 240;
    private const int MessageWidth = 1000;

    /// <param name="fileName">The name the user knows the file by (as given with <c>-f</c>).</param>
    /// <param name="source">The file's text, to quote from.</param>
    public void Render(string fileName, string source, IEnumerable<Diagnostic> diagnostics)
    {
        var lines = SplitLines(source);
        foreach (var diagnostic in diagnostics.OrderBy(d => d.IsError ? 1 : 0).ThenBy(d => d.Span.StartLine))
        {
            if (diagnostic.IsError)
            {
                RenderError(fileName, lines, diagnostic);
            }
            else
            {
                output.WriteLine($"WARN: {Location(fileName, diagnostic)}: {Excerpt.Cut(diagnostic.Message, MessageWidth)} [{diagnostic.Code}]");
            }
        }
    }

    private void RenderError(string fileName, string[] lines, Diagnostic diagnostic)
    {
        var span = diagnostic.Span;
        if (!span.IsNone && span.StartLine <= lines.Length)
        {
            var first = span.StartLine;
            var last = Math.Clamp(Math.Max(span.EndLine, first), first, lines.Length);

            // One line gets two lines of context on each side; a longer span one, as BuildKit does.
            var context = first == last ? 2 : 1;
            var from = Math.Max(1, first - context);
            var to = Math.Min(lines.Length, last + context);

            output.WriteLine($"{fileName}:{first.ToString(CultureInfo.InvariantCulture)}");
            output.WriteLine(new string('-', RulerWidth));
            for (var n = from; n <= to; n++)
            {
                var marker = n >= first && n <= last ? ">>>" : "   ";
                output.WriteLine($" {n,3} | {marker} {Excerpt.Cut(lines[n - 1], LineWidth)}".TrimEnd());
            }

            output.WriteLine(new string('-', RulerWidth));
        }

        output.WriteLine($"ERROR: {Location(fileName, diagnostic)}: {Excerpt.Cut(diagnostic.Message, MessageWidth)} [{diagnostic.Code}]");
    }

    private static string Location(string fileName, Diagnostic diagnostic)
    {
        var span = diagnostic.Span;
        if (span.IsNone)
        {
            return fileName;
        }

        var line = span.StartLine.ToString(CultureInfo.InvariantCulture);
        return span.StartColumn > 0
            ? $"{fileName}:{line}:{span.StartColumn.ToString(CultureInfo.InvariantCulture)}"
            : $"{fileName}:{line}";
    }

    private static string[] SplitLines(string source)
    {
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].TrimEnd('\r');
        }

        return lines;
    }
}
