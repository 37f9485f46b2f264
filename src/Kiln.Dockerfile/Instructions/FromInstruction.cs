using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// <c>FROM [--platform=p] image [AS name]</c>. <see cref="StageName"/> is lower-cased (BuildKit does so);
/// <see cref="BaseName"/> and <see cref="Platform"/> are expanded with the global ARGs only.
/// </summary>
public sealed record FromInstruction(string BaseName, string? StageName, string? Platform) : Instruction
{
    public override string Keyword => "from";

    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        var baseName = scope.Word(BaseName);
        var platform = scope.Optional(Platform);
        if (baseName is { Length: 0 })
        {
            scope.Error(DiagnosticCodes.BlankBaseName, $"base name ({BaseName}) should not be blank");
        }

        return scope.Result(this with { BaseName = baseName ?? BaseName, Platform = platform });
    }
}
