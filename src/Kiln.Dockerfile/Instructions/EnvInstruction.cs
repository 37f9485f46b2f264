using System.Collections.Immutable;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>ENV k=v ...</c> (or legacy <c>ENV k v</c>); names and values are expanded, all against the environment before this instruction.</summary>
public sealed record EnvInstruction(ImmutableArray<NameValue> Variables) : Instruction
{
    public override string Keyword => "env";

    /// <summary>Names and values are expanded, all against the environment as it was before this instruction.</summary>
    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        var pairs = Variables.Select(p => p with { Name = scope.Word(p.Name) ?? p.Name, Value = scope.Word(p.Value) ?? p.Value }).ToImmutableArray();
        return scope.Result(this with { Variables = pairs });
    }
}
