namespace Kiln.Dockerfile.Instructions;

/// <summary><c>STOPSIGNAL signal</c>; expanded, then checked (a positive number, or a name with or without <c>SIG</c>).</summary>
public sealed record StopSignalInstruction(string Signal) : Instruction
{
    public override string Keyword => "stopsignal";
}
