using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// The result of <see cref="InstructionParser.Parse"/>: the instruction, or null when an error was
/// found (BuildKit stops at the first error of an instruction, and so do we), plus diagnostics
/// (warnings may accompany a successful parse).
/// </summary>
public sealed record InstructionParseResult(Instruction? Instruction, ImmutableArray<Diagnostic> Diagnostics)
{
    public bool Succeeded => Instruction is not null;
}
