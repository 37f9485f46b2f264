using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile;

/// <summary>The frontend's front door: Dockerfile text in, a checked build definition out.</summary>
public static class DockerfileFrontend
{
    /// <summary>Parses and binds without building, as <c>kiln build --check</c> does.</summary>
    public static FrontendResult Check(string text, FrontendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var syntax = DockerfileParser.Parse(text);
        return new FrontendResult(syntax, syntax.Diagnostics);
    }
}
