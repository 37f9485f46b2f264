using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Diagnostics;

/// <summary>
/// One problem found in a Dockerfile. The code is stable (documented, tested, greppable);
/// the file name is attached once, at the boundary that knows it (the CLI), not here.
/// </summary>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, string Message, SourceSpan Span)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public static Diagnostic Error(string code, string message, SourceSpan span) =>
        new(code, DiagnosticSeverity.Error, message, span);

    public static Diagnostic Warning(string code, string message, SourceSpan span) =>
        new(code, DiagnosticSeverity.Warning, message, span);

    public override string ToString() => $"{Span}: {Code}: {Message}";
}
