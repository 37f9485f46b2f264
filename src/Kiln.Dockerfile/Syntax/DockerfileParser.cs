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
    public static DockerfileSyntax Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new ParseSession(text).Run();
    }
}
