using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class FromParsingTests
{
    [Fact]
    public void From_with_only_an_image_has_no_stage_name()
    {
        var from = ParseAssert.Parses<FromInstruction>(Syntax.Of("FROM", "alpine:3.20"));
        Assert.Equal("alpine:3.20", from.BaseName);
        Assert.Null(from.StageName);
        Assert.Null(from.Platform);
        Assert.Equal("from", from.Keyword);
    }

    [Theory]
    [InlineData("AS")]
    [InlineData("as")]
    [InlineData("As")]
    public void From_as_is_case_insensitive_and_the_stage_name_is_lower_cased(string asWord)
    {
        var from = ParseAssert.Parses<FromInstruction>(Syntax.Of("FROM", "golang", asWord, "Build-Stage_1.x"));
        Assert.Equal("build-stage_1.x", from.StageName);
    }

    [Fact]
    public void From_platform_flag_is_kept_unexpanded()
    {
        var from = ParseAssert.Parses<FromInstruction>(Syntax.Make("FROM", ["alpine"], ["--platform=$BUILDPLATFORM"]));
        Assert.Equal("$BUILDPLATFORM", from.Platform);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a b c")]
    [InlineData("a AS b c")]
    public void From_needs_one_or_three_arguments(string words) =>
        ParseAssert.Fails(
            Syntax.Make("FROM", words.Split(' ', StringSplitOptions.RemoveEmptyEntries)),
            DiagnosticCodes.FromArgumentCount,
            "FROM requires either one or three arguments");

    [Fact]
    public void From_with_three_words_names_the_misplaced_as() =>
        ParseAssert.Fails(Syntax.Of("FROM", "a", "TO", "b"), DiagnosticCodes.FromArgumentCount, "not \"TO\"");

    [Theory]
    [InlineData("1stage")]
    [InlineData("my stage!")]
    [InlineData("-x")]
    [InlineData("a/b")]
    public void Stage_names_must_start_with_a_letter_and_use_no_symbols(string name) =>
        ParseAssert.Fails(Syntax.Of("FROM", "alpine", "AS", name), DiagnosticCodes.InvalidStageName, $"\"{name}\"");

    [Fact]
    public void From_rejects_unknown_flags_with_a_suggestion() =>
        ParseAssert.Fails(Syntax.Make("FROM", ["alpine"], ["--platfrom=linux/amd64"]), DiagnosticCodes.UnknownFlag, "did you mean --platform?");
}
