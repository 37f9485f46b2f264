using System.Collections.Immutable;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>SHELL ["executable", "params"...]</c>: JSON form only; never expanded.</summary>
public sealed record ShellInstruction(ImmutableArray<string> Shell) : Instruction
{
    public override string Keyword => "shell";
}
