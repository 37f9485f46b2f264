using System.Collections.Immutable;
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
}
