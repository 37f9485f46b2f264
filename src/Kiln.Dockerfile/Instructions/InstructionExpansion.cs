using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// The result of <see cref="Instruction.Expand"/>: the expanded copy (the input itself when expansion
/// failed), the problems found, and the variable names that were looked up and found or not found
/// (the stage model uses <see cref="Unmatched"/> for BuildKit's <c>UndefinedVar</c> check).
/// </summary>
public sealed record InstructionExpansion(
    Instruction Instruction,
    ImmutableArray<Diagnostic> Diagnostics,
    ImmutableHashSet<string> Matched,
    ImmutableHashSet<string> Unmatched)
{
    public bool Succeeded => !Diagnostics.Any(d => d.IsError);

    internal static InstructionExpansion Unchanged(Instruction instruction) =>
        new(instruction, [], ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty);
}
