using System.Text;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// BuildKit's line parser: directives, comments, continuations, heredocs, flags and per-instruction argument
/// splitting. Never throws on user input: problems become diagnostics on the result.
/// </summary>
public static class DockerfileParser
{
    /// <summary>
    /// Parses a whole Dockerfile. The text is the decoded file (a leading U+FEFF is ignored like BuildKit ignores
    /// a UTF-8 BOM; CR LF line ends are accepted). Line length limits are measured in UTF-8 bytes, as upstream does.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static DockerfileSyntax Parse(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);

        // A UTF-16 unit is at most 3 UTF-8 bytes; count exactly only when that could reach the limit.
        if ((long)text.Length * 3 > FrontendLimits.MaxDockerfileBytes && Encoding.UTF8.GetByteCount(text) > FrontendLimits.MaxDockerfileBytes)
        {
            var error = Diagnostic.Error(
                DiagnosticCodes.DockerfileTooLarge,
                $"the Dockerfile is larger than kiln's limit of {FrontendLimits.MaxDockerfileBytes / (1024 * 1024)} MiB",
                SourceSpan.None);
            return new DockerfileSyntax([], '\\', [], SourceSpan.None, [error]);
        }

        return new ParseSession(text, cancellationToken).Run();
    }
}
