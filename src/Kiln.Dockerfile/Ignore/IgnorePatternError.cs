using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Ignore;

/// <summary>
/// Why a list of .dockerignore patterns was rejected. BuildKit refuses the whole list on the first bad
/// pattern, so there is exactly one error.
/// </summary>
/// <param name="Code">A <see cref="DiagnosticCodes"/> value (DF5xxx).</param>
/// <param name="Pattern">The offending pattern exactly as it was given (before trimming and cleaning).</param>
/// <param name="Index">The 0-based position of the pattern in the list given to <see cref="PatternMatcher.Create"/>.</param>
/// <param name="Message">A message naming the pattern, ready for a diagnostic.</param>
public sealed record IgnorePatternError(string Code, string Pattern, int Index, string Message)
{
    /// <summary>The error as a diagnostic; the caller knows where the pattern came from and supplies the span.</summary>
    public Diagnostic ToDiagnostic(SourceSpan span = default) => Diagnostic.Error(Code, Message, span);
}
