using System.Collections.Immutable;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>ENV k=v ...</c> (or legacy <c>ENV k v</c>); names and values are expanded, all against the environment before this instruction.</summary>
public sealed record EnvInstruction(ImmutableArray<NameValue> Variables) : Instruction
{
    public override string Keyword => "env";
}
