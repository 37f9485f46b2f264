using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Stages;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile;

/// <summary>
/// Everything the frontend learned about one Dockerfile: its tree, the bound build (null when an
/// error prevents one), and every diagnostic, in the order found.
/// </summary>
public sealed record FrontendResult(DockerfileSyntax Syntax, BuildDefinition? Definition, ImmutableArray<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
