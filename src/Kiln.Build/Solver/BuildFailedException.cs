using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Text;

namespace Kiln.Build.Solver;

/// <summary>
/// A build that cannot finish, with what the user needs to fix it: diagnostics located in the Dockerfile, the
/// failing step's name and the last lines of its output.
/// </summary>
public sealed class BuildFailedException : Exception
{
    public BuildFailedException()
    {
    }

    public BuildFailedException(string message)
        : base(message)
    {
    }

    public BuildFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BuildFailedException(ImmutableArray<Diagnostic> diagnostics, string? step = null, ImmutableArray<string> outputTail = default, Exception? innerException = null)
        : base(diagnostics.FirstOrDefault(d => d.IsError)?.Message ?? "the build failed", innerException)
    {
        Diagnostics = diagnostics;
        Step = step;
        OutputTail = outputTail.IsDefault ? [] : outputTail;
    }

    public ImmutableArray<Diagnostic> Diagnostics { get; } = [];

    /// <summary>The progress name of the step that failed (<c>[builder 4/8] RUN go mod download</c>), if one did.</summary>
    public string? Step { get; }

    public ImmutableArray<string> OutputTail { get; } = [];

    public static BuildFailedException At(string code, string message, SourceSpan span, string? step = null, ImmutableArray<string> outputTail = default, Exception? innerException = null) =>
        new([Diagnostic.Error(code, message, span)], step, outputTail, innerException);
}
