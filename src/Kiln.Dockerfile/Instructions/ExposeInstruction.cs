using System.Collections.Immutable;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// <c>EXPOSE port[/proto]...</c>. <see cref="Ports"/> are the words, string-sorted as BuildKit sorts them
/// at parse time; <see cref="ExposedPorts"/> is filled by <see cref="Instruction.Expand"/>, which expands
/// each word into words and validates <c>[ip:][hostport:]port[-end][/tcp|udp|sctp]</c> (one entry per port of a range).
/// </summary>
public sealed record ExposeInstruction(ImmutableArray<string> Ports, ImmutableArray<ExposedPort> ExposedPorts) : Instruction
{
    public override string Keyword => "expose";
}
