using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class UnknownInstructionTests
{
    [Theory]
    [InlineData("FORM", "unknown instruction: FORM (did you mean FROM?)")]
    [InlineData("form", "unknown instruction: form (did you mean from?)")]
    [InlineData("Cpoy", "unknown instruction: Cpoy (did you mean copy?)")]
    [InlineData("EXPOSED", "unknown instruction: EXPOSED (did you mean EXPOSE?)")]
    [InlineData("FROBNICATE", "unknown instruction: FROBNICATE")]
    public void Unknown_instruction_is_an_error_with_a_close_suggestion(string keyword, string message)
    {
        var error = ParseAssert.Fails(Syntax.Of(keyword, "alpine"), DiagnosticCodes.UnknownInstruction);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("from")]
    [InlineData("From")]
    [InlineData("FROM")]
    public void Instruction_keywords_are_case_insensitive(string keyword) =>
        ParseAssert.Parses<FromInstruction>(Syntax.Of(keyword, "alpine"));

    [Fact]
    public void Every_instruction_name_is_listed_once() =>
        Assert.Equal(18, InstructionParser.InstructionNames.Distinct().Count());
}
