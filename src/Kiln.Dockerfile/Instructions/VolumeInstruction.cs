using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>VOLUME ["/a", "/b"]</c> or <c>VOLUME /a /b</c>; each path is expanded.</summary>
public sealed record VolumeInstruction(ImmutableArray<string> Volumes) : Instruction
{
    public override string Keyword => "volume";

    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        var volumes = scope.All(Volumes);
        if (!scope.HasErrors && volumes.Any(v => v.Length == 0))
        {
            scope.Error(DiagnosticCodes.EmptyVolume, "VOLUME specified can not be an empty string");
        }

        return scope.Result(this with { Volumes = volumes });
    }
}
