namespace Kiln.Dockerfile.Diagnostics;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}
