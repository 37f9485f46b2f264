namespace Kiln.Dockerfile.Instructions;

/// <summary><c>WORKDIR path</c>; expanded, then joined to the current directory when relative (by the stage model).</summary>
public sealed record WorkdirInstruction(string Path) : Instruction
{
    public override string Keyword => "workdir";
}
