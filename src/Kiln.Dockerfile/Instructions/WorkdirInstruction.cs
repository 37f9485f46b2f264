using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>WORKDIR path</c>; expanded, then joined to the current directory when relative (by the stage model).</summary>
public sealed record WorkdirInstruction(string Path) : Instruction
{
    public override string Keyword => "workdir";

    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        return scope.Result(this with { Path = scope.Word(Path) ?? Path });
    }
}
