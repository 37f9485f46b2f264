using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// <c>ONBUILD instruction</c>. <see cref="Expression"/> is the trigger text the image config stores
/// (the original line without <c>ONBUILD</c>, heredoc bodies appended as BuildKit does). The trigger
/// is neither validated nor expanded here: a child build parses and runs it
/// (<see cref="InstructionParser.Parse"/> on <see cref="Trigger"/>).
/// </summary>
public sealed record OnbuildInstruction(string Expression, InstructionSyntax Trigger) : Instruction
{
    public override string Keyword => "onbuild";

    /// <summary>The trigger's keyword, upper-cased (<c>RUN</c>, <c>COPY</c>, ...).</summary>
    public string TriggerKeyword => Trigger.Keyword.ToUpperInvariant();
}
