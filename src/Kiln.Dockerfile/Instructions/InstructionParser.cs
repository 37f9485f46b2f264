using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// BuildKit's <c>instructions.ParseInstruction</c>: turns one <see cref="InstructionSyntax"/> into a typed
/// <see cref="Instruction"/>, checking flags and argument counts. Never throws on user input.
/// </summary>
public static class InstructionParser
{
    public static InstructionParseResult Parse(InstructionSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        throw new NotImplementedException("instruction parser: being written");
    }
}
