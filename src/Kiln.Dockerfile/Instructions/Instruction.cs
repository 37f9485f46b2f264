using Kiln.Dockerfile.Expansion;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// One typed, validated Dockerfile instruction (BuildKit's <c>instructions.Command</c> or <c>Stage</c>).
/// Values are as written (quotes kept) until <see cref="Expand"/> runs with the stage's environment,
/// because BuildKit expands variables at dispatch time, not at parse time.
/// </summary>
public abstract record Instruction
{
    /// <summary>The lines the instruction occupies, heredoc bodies included.</summary>
    public required SourceSpan Span { get; init; }

    /// <summary>The instruction's logical line as written (continuations joined, heredoc bodies excluded).</summary>
    public required string Original { get; init; }

    /// <summary>The instruction keyword, lower-case (<c>run</c>, <c>copy</c>, ...).</summary>
    public abstract string Keyword { get; }

    /// <summary>
    /// Expands the words BuildKit expands for this instruction with <paramref name="environment"/>,
    /// and validates what can only be checked after expansion. Instructions BuildKit never expands
    /// (CMD, ENTRYPOINT, SHELL, HEALTHCHECK, MAINTAINER, ONBUILD) return themselves unchanged.
    /// </summary>
    public virtual InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment) =>
        InstructionExpansion.Unchanged(this);
}
