namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// <c>FROM [--platform=p] image [AS name]</c>. <see cref="StageName"/> is lower-cased (BuildKit does so);
/// <see cref="BaseName"/> and <see cref="Platform"/> are expanded with the global ARGs only.
/// </summary>
public sealed record FromInstruction(string BaseName, string? StageName, string? Platform) : Instruction
{
    public override string Keyword => "from";
}
