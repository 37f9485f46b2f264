using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile;

/// <summary>Everything the frontend learned about one Dockerfile: its tree and every diagnostic.</summary>
public sealed record FrontendResult(DockerfileSyntax Syntax, ImmutableArray<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
