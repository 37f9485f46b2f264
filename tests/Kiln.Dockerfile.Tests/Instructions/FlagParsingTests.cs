using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class FlagParsingTests
{
    [Theory]
    [InlineData("--link", true)]
    [InlineData("--link=true", true)]
    [InlineData("--link=TRUE", true)]
    [InlineData("--link=false", false)]
    [InlineData("--link=False", false)]
    public void Boolean_flags_take_a_bare_name_or_true_or_false_in_any_case(string flag, bool expected)
    {
        var copy = ParseAssert.Parses<CopyInstruction>(Syntax.Make("COPY", ["a", "/b"], [flag]));
        Assert.Equal(expected, copy.Link);
    }

    [Fact]
    public void Boolean_flag_with_an_empty_value_is_missing_a_value()
    {
        var error = ParseAssert.Fails(Syntax.Make("COPY", ["a", "/b"], ["--link="]), DiagnosticCodes.FlagMissingValue);
        Assert.Contains("--link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Boolean_flag_with_a_non_boolean_value_is_rejected() =>
        ParseAssert.Fails(Syntax.Make("COPY", ["a", "/b"], ["--link=yes"]), DiagnosticCodes.FlagExpectsBoolean, "not: yes");

    [Fact]
    public void String_flag_without_equals_is_missing_a_value() =>
        ParseAssert.Fails(Syntax.Make("COPY", ["a", "/b"], ["--from"]), DiagnosticCodes.FlagMissingValue, "--from=<value>");

    [Fact]
    public void String_flag_accepts_an_empty_value()
    {
        var copy = ParseAssert.Parses<CopyInstruction>(Syntax.Make("COPY", ["a", "/b"], ["--chown="]));
        Assert.Null(copy.Chown);
    }

    [Fact]
    public void A_flag_given_twice_is_a_duplicate() =>
        ParseAssert.Fails(Syntax.Make("COPY", ["a", "/b"], ["--from=x", "--from=y"]), DiagnosticCodes.DuplicateFlag, "duplicate flag specified: --from");

    [Fact]
    public void A_boolean_flag_given_twice_is_a_duplicate() =>
        ParseAssert.Fails(Syntax.Make("COPY", ["a", "/b"], ["--link", "--link=false"]), DiagnosticCodes.DuplicateFlag);

    [Fact]
    public void Repeatable_flags_collect_every_value_in_order()
    {
        var copy = ParseAssert.Parses<CopyInstruction>(Syntax.Make("COPY", ["a", "/b"], ["--exclude=*.md", "--exclude=tmp/"]));
        AssertSeq.Equal(["*.md", "tmp/"], copy.Excludes);
    }

    [Fact]
    public void Unknown_flag_suggests_the_closest_known_flag()
    {
        var error = ParseAssert.Fails(Syntax.Make("COPY", ["a", "/b"], ["--form=build"]), DiagnosticCodes.UnknownFlag);
        Assert.Equal("unknown flag: --form (did you mean --from?)", error.Message);
    }

    [Fact]
    public void Unknown_flag_far_from_every_flag_gets_no_suggestion()
    {
        var error = ParseAssert.Fails(Syntax.Make("COPY", ["a", "/b"], ["--everything"]), DiagnosticCodes.UnknownFlag);
        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flag_names_are_case_sensitive() =>
        ParseAssert.Fails(Syntax.Make("COPY", ["a", "/b"], ["--FROM=x"]), DiagnosticCodes.UnknownFlag, "--FROM");

    [Fact]
    public void A_bare_double_dash_ends_the_flags()
    {
        var copy = ParseAssert.Parses<CopyInstruction>(Syntax.Make("COPY", ["a", "/b"], ["--link", "--", "--bogus"]));
        Assert.True(copy.Link);
    }

    [Fact]
    public void A_flag_word_without_double_dash_is_malformed() =>
        ParseAssert.Fails(Syntax.Make("COPY", ["a", "/b"], ["-link"]), DiagnosticCodes.MalformedFlag);

    [Theory]
    [InlineData("ENV", "--x=1")]
    [InlineData("LABEL", "--x=1")]
    [InlineData("USER", "--x=1")]
    [InlineData("WORKDIR", "--x=1")]
    [InlineData("VOLUME", "--x=1")]
    [InlineData("EXPOSE", "--x=1")]
    [InlineData("MAINTAINER", "--x=1")]
    [InlineData("CMD", "--x=1")]
    [InlineData("ENTRYPOINT", "--x=1")]
    [InlineData("SHELL", "--x=1")]
    public void Instructions_without_flags_reject_any_flag(string keyword, string flag)
    {
        var syntax = keyword is "ENV" or "LABEL"
            ? Syntax.Make(keyword, ["a", "b", "="], [flag])
            : Syntax.Make(keyword, ["a"], [flag], json: keyword == "SHELL");
        ParseAssert.Fails(syntax, DiagnosticCodes.UnknownFlag, "unknown flag: --x");
    }

    [Theory]
    [InlineData("ARG", "a=1")]
    [InlineData("STOPSIGNAL", "SIGTERM")]
    [InlineData("HEALTHCHECK", "NONE")]
    public void Instructions_whose_flags_BuildKit_ignores_warn_instead_of_failing(string keyword, string argument)
    {
        var result = InstructionParser.Parse(Syntax.Make(keyword, [argument], ["--interval=5s"]));
        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.FlagsIgnored, warning.Code);
        Assert.False(warning.IsError);
        Assert.Contains("--interval=5s", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--from=x")]
    [InlineData("--parents")]
    public void Copy_only_flags_are_unknown_on_add(string flag) =>
        ParseAssert.Fails(Syntax.Make("ADD", ["a", "/b"], [flag]), DiagnosticCodes.UnknownFlag);

    [Theory]
    [InlineData("--checksum=sha256:abc")]
    [InlineData("--keep-git-dir")]
    [InlineData("--unpack")]
    public void Add_only_flags_are_unknown_on_copy(string flag) =>
        ParseAssert.Fails(Syntax.Make("COPY", ["a", "/b"], [flag]), DiagnosticCodes.UnknownFlag);
}
