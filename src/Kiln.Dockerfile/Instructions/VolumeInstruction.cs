using System.Collections.Immutable;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>VOLUME ["/a", "/b"]</c> or <c>VOLUME /a /b</c>; each path is expanded.</summary>
public sealed record VolumeInstruction(ImmutableArray<string> Volumes) : Instruction
{
    public override string Keyword => "volume";
}
