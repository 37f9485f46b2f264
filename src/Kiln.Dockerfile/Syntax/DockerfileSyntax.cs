using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// The parsed form of a whole Dockerfile, before any binding: BuildKit's line parser result
/// (its root <c>Node</c>) plus what it prints as warnings and errors.
/// </summary>
/// <param name="Directives">Parser directives in file order (<c># syntax=</c>, <c># escape=</c>, <c># check=</c>).</param>
/// <param name="EscapeToken">The escape character in force: <c>\</c> or <c>`</c>.</param>
/// <param name="Instructions">The instructions in file order (the root node's children).</param>
/// <param name="Span">From the first instruction's first line to the last instruction's last line.</param>
/// <param name="Diagnostics">Errors and warnings found while parsing; the tree is still as complete as it could be made.</param>
public sealed record DockerfileSyntax(
    ImmutableArray<ParserDirective> Directives,
    char EscapeToken,
    ImmutableArray<InstructionSyntax> Instructions,
    SourceSpan Span,
    ImmutableArray<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
