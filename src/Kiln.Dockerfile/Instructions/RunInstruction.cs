using System.Collections.Immutable;
using Kiln.Dockerfile.Expansion;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// <c>RUN [--mount=...]... [--network=...] [--security=...] [--device=...]... command</c>.
/// The command is never expanded by the frontend (the shell does it); only mount option values are.
/// </summary>
/// <param name="Heredocs">Heredoc bodies (<c>RUN &lt;&lt;EOF</c>), passed to the shell as written.</param>
/// <param name="FlagsUsed">Names of the flags that were given, in order (BuildKit keeps them for lint rules).</param>
public sealed record RunInstruction(
    CommandLine Command,
    ImmutableArray<Heredoc> Heredocs,
    ImmutableArray<RunMount> Mounts,
    RunNetwork Network,
    RunSecurity Security,
    ImmutableArray<RunDevice> Devices,
    ImmutableArray<string> FlagsUsed) : Instruction
{
    public override string Keyword => "run";

    /// <summary>Only the <c>--mount</c> option values are expanded (those that needed it); the command never is.</summary>
    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        var mounts = ImmutableArray.CreateBuilder<RunMount>(Mounts.Length);
        foreach (var mount in Mounts)
        {
            if (mount.IsResolved)
            {
                mounts.Add(mount);
                continue;
            }

            var expanded = MountParser.Parse(mount.Spec, scope.Word, Span, scope.Diagnostics);
            mounts.Add(expanded ?? mount);
        }

        return scope.Result(this with { Mounts = mounts.MoveToImmutable() });
    }
}
