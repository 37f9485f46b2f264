namespace Kiln.Dockerfile.Instructions;

/// <summary><c>CMD</c>, exec or shell form; <c>CMD []</c> gives an empty exec-form command.</summary>
public sealed record CmdInstruction(CommandLine Command) : Instruction
{
    public override string Keyword => "cmd";
}
