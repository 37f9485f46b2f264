namespace Kiln.Dockerfile.Instructions;

/// <summary><c>MAINTAINER text</c> (deprecated): sets the image's <c>author</c>; never expanded.</summary>
public sealed record MaintainerInstruction(string Maintainer) : Instruction
{
    public override string Keyword => "maintainer";
}
