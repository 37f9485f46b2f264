namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// <c>ENTRYPOINT</c>, exec or shell form. An empty command (<c>ENTRYPOINT []</c>) resets the
/// entrypoint (BuildKit stores nil).
/// </summary>
public sealed record EntrypointInstruction(CommandLine Command) : Instruction
{
    public override string Keyword => "entrypoint";
}
