using System.Collections.Immutable;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// One instruction as the line parser splits it (BuildKit's child <c>Node</c>), nothing bound yet.
/// </summary>
/// <param name="Keyword">The instruction word as written (<c>FROM</c>, <c>from</c>, <c>Foo</c>).</param>
/// <param name="Flags">The leading <c>--flag[=value]</c> words, quotes removed, in order.</param>
/// <param name="Arguments">The argument nodes (BuildKit's <c>Next</c> chain), split per instruction.</param>
/// <param name="IsJson">True when the arguments came from a JSON array (exec form).</param>
/// <param name="Original">The instruction's logical line: continuations joined, heredoc bodies excluded.</param>
/// <param name="Heredocs">Heredoc bodies attached to this instruction, in order of their markers.</param>
/// <param name="PrecedingComments">Comment lines directly above the instruction, without the <c>#</c>.</param>
/// <param name="Span">Lines the instruction occupies, heredoc bodies included.</param>
public sealed record InstructionSyntax(
    string Keyword,
    ImmutableArray<string> Flags,
    ImmutableArray<ArgumentSyntax> Arguments,
    bool IsJson,
    string Original,
    ImmutableArray<Heredoc> Heredocs,
    ImmutableArray<string> PrecedingComments,
    SourceSpan Span)
{
    /// <summary>The keyword lower-cased, the form every later stage dispatches on.</summary>
    public string Name => Keyword.ToLowerInvariant();
}
