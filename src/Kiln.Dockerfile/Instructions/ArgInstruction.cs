using System.Collections.Immutable;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>ARG name[=default] ...</c>; only default values are expanded, never names.</summary>
public sealed record ArgInstruction(ImmutableArray<ArgDeclaration> Args) : Instruction
{
    public override string Keyword => "arg";
}
