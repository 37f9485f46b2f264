using System.Collections.Immutable;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>LABEL k=v ...</c> (or legacy <c>LABEL k v</c>); names and values are expanded.</summary>
public sealed record LabelInstruction(ImmutableArray<NameValue> Labels) : Instruction
{
    public override string Keyword => "label";

    /// <summary>Names and values are expanded, all against the environment as it was before this instruction.</summary>
    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        var pairs = Labels.Select(p => p with { Name = scope.Word(p.Name) ?? p.Name, Value = scope.Word(p.Value) ?? p.Value }).ToImmutableArray();
        return scope.Result(this with { Labels = pairs });
    }
}
