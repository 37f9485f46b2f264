using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// <c>EXPOSE port[/proto]...</c>. <see cref="Ports"/> are the words, string-sorted as BuildKit sorts them
/// at parse time; <see cref="ExposedPorts"/> is filled by <see cref="Instruction.Expand"/>, which expands
/// each word into words and validates <c>[ip:][hostport:]port[-end][/tcp|udp|sctp]</c> (one entry per port of a range).
/// </summary>
public sealed record ExposeInstruction(ImmutableArray<string> Ports, ImmutableArray<ExposedPort> ExposedPorts) : Instruction
{
    public override string Keyword => "expose";

    /// <summary>Each word is expanded and split again on white space (BuildKit's <c>ProcessWords</c>), then validated.</summary>
    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        var words = new List<string>();
        foreach (var port in Ports)
        {
            words.AddRange(scope.Words(port) ?? []);
        }

        var exposed = new List<ExposedPort>();
        foreach (var word in words)
        {
            var problem = PortSpec.TryParse(word, exposed, out var message);
            var code = problem switch
            {
                PortSpec.Problem.None => null,
                PortSpec.Problem.Port => DiagnosticCodes.InvalidPort,
                PortSpec.Problem.Protocol => DiagnosticCodes.InvalidPortProtocol,
                PortSpec.Problem.Range => DiagnosticCodes.InvalidPortRange,
                _ => throw new InvalidOperationException($"unhandled port problem {problem}"),
            };
            if (code is not null)
            {
                scope.Error(code, message);
            }
        }

        return scope.Result(this with { Ports = [.. words], ExposedPorts = [.. exposed.Distinct()] });
    }
}
