using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Tests.Instructions;

internal static class ParseAssert
{
    public static T Parses<T>(InstructionSyntax syntax)
        where T : Instruction
    {
        var result = InstructionParser.Parse(syntax);
        Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var instruction = Assert.IsType<T>(result.Instruction);
        Assert.Equal(Syntax.Span, instruction.Span);
        return instruction;
    }

    public static Diagnostic Fails(InstructionSyntax syntax, string code, string? messageContains = null)
    {
        var result = InstructionParser.Parse(syntax);
        Assert.Null(result.Instruction);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(code, error.Code);
        Assert.Equal(Syntax.Span, error.Span);
        if (messageContains is not null)
        {
            Assert.Contains(messageContains, error.Message, StringComparison.Ordinal);
        }

        return error;
    }
}
