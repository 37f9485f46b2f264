using System.Collections.Immutable;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>LABEL k=v ...</c> (or legacy <c>LABEL k v</c>); names and values are expanded.</summary>
public sealed record LabelInstruction(ImmutableArray<NameValue> Labels) : Instruction
{
    public override string Keyword => "label";
}
