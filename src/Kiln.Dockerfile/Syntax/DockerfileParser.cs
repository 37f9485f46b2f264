namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// BuildKit's line parser: directives, comments, continuations, heredocs, flags and per-instruction
/// argument splitting. Never throws on user input: problems become diagnostics on the result.
/// </summary>
public static class DockerfileParser
{
    public static DockerfileSyntax Parse(string text) => throw new NotImplementedException("parser: being written");
}
