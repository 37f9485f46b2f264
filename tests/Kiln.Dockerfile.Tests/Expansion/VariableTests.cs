using Kiln.Dockerfile.Diagnostics;

namespace Kiln.Dockerfile.Tests.Expansion;

public sealed class VariableTests
{
    [Theory]
    [InlineData("$X", "x")]
    [InlineData("${X}", "x")]
    [InlineData("a${X}b", "axb")]
    [InlineData("$X_1y", "")]
    [InlineData("$X-y", "x-y")]
    [InlineData("$X.y", "x.y")]
    [InlineData("${X}${X}", "xx")]
    [InlineData("$변수!", "값!")]
    public void Names_are_runs_of_letters_digits_and_underscores_including_Unicode_letters(string input, string expected)
    {
        Assert.Equal(expected, Env.Value(input, "X=x", "변수=값"));
    }

    [Theory]
    [InlineData("$", "$")]
    [InlineData("a$", "a$")]
    [InlineData("$.", "$.")]
    [InlineData("$ x", "$ x")]
    [InlineData("$/", "$/")]
    [InlineData("\"$\"", "$")]
    public void A_dollar_before_a_character_that_cannot_start_a_name_stays_literal(string input, string expected)
    {
        Assert.Equal(expected, Env.Value(input));
    }

    [Theory]
    [InlineData("$12a", "a", "12")]
    [InlineData("${1}", "", "1")]
    [InlineData("$@@", "@", "@")]
    [InlineData("$$", "", "$")]
    [InlineData("${#}", "", "#")]
    [InlineData("${?:-d}", "d", "?")]
    [InlineData("$0x", "x", "0")]
    [InlineData("${-:+set}", "", "-")]
    public void Positional_and_special_parameters_are_looked_up_like_names_and_are_therefore_unset(string input, string expected, string name)
    {
        var result = Env.Word(input, "X=x");
        Assert.Equal(expected, result.Value);
        Assert.Equal([name], result.Unmatched);
        Assert.Empty(result.Matched);
    }

    [Theory]
    [InlineData("${X:-d}", "x")]
    [InlineData("${E:-d}", "d")]
    [InlineData("${U:-d}", "d")]
    [InlineData("${X-d}", "x")]
    [InlineData("${E-d}", "")]
    [InlineData("${U-d}", "d")]
    [InlineData("${X:+r}", "r")]
    [InlineData("${E:+r}", "")]
    [InlineData("${U:+r}", "")]
    [InlineData("${X+r}", "r")]
    [InlineData("${E+r}", "r")]
    [InlineData("${U+r}", "")]
    [InlineData("${X:?m}", "x")]
    [InlineData("${X?m}", "x")]
    [InlineData("${E?m}", "")]
    public void Default_alternative_and_required_modifiers_distinguish_unset_from_empty_only_without_colon(string input, string expected)
    {
        Assert.Equal(expected, Env.Value(input, "X=x", "E="));
    }

    [Theory]
    [InlineData("${U:?}", "U: is not allowed to be unset")]
    [InlineData("${U?}", "U: is not allowed to be unset")]
    [InlineData("${E:?}", "E: is not allowed to be empty")]
    [InlineData("${U:?set $X please}", "U: set x please")]
    [InlineData("${E:?'quoted msg'}", "E: quoted msg")]
    public void Required_variables_fail_with_the_expanded_message(string input, string message)
    {
        var result = Env.Word(input, "X=x", "E=");
        Assert.False(result.Succeeded);
        Assert.Equal(message, result.Error);
        Assert.Equal(DiagnosticCodes.ExpansionRequiredVariable, result.ErrorCode);
    }

    [Theory]
    [InlineData("${A:-${B:-${C:-deep}}}", "deep")]
    [InlineData("${A:-$X}", "x")]
    [InlineData("${A:-\"a b\"}", "a b")]
    [InlineData("${A:-'}'}", "}")]
    [InlineData("${A:-\\}}", "}")]
    [InlineData("${A:-a\\b}", "ab")]
    [InlineData("${X:+-${X}}", "-x")]
    [InlineData("${A:-{b}", "{b")]
    [InlineData("${A}}", "}")]
    public void Modifier_words_are_themselves_expanded_and_unquoted(string input, string expected)
    {
        Assert.Equal(expected, Env.Value(input, "X=x"));
    }

    [Theory]
    [InlineData("${}", DiagnosticCodes.ExpansionBadSubstitution)]
    [InlineData("${{a}", DiagnosticCodes.ExpansionBadSubstitution)]
    [InlineData("${:-a}", DiagnosticCodes.ExpansionBadSubstitution)]
    [InlineData("${:}", DiagnosticCodes.ExpansionBadSubstitution)]
    [InlineData("${", DiagnosticCodes.ExpansionUnterminatedSubstitution)]
    [InlineData("${a", DiagnosticCodes.ExpansionUnterminatedSubstitution)]
    [InlineData("${a:", DiagnosticCodes.ExpansionUnterminatedSubstitution)]
    [InlineData("${a:-b", DiagnosticCodes.ExpansionUnterminatedSubstitution)]
    [InlineData("${a:-b ${c}", DiagnosticCodes.ExpansionUnterminatedSubstitution)]
    [InlineData("${a:-b\\}", DiagnosticCodes.ExpansionUnterminatedSubstitution)]
    [InlineData("${a=b}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${X=b}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${a:=b}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${a:b}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${.}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${a b}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${1a}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${a:#b}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${a:##b}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${a:%b}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${a:%%b}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("\"${}\"", DiagnosticCodes.ExpansionBadSubstitution)]
    public void Malformed_substitutions_fail_with_a_stable_code(string input, string code)
    {
        Assert.Equal(code, Env.ErrorCode(input, "X=x"));
    }

    [Fact]
    public void Error_messages_use_BuildKit_wording()
    {
        Assert.Equal("syntax error: bad substitution", Env.Word("${}").Error);
        Assert.Equal("syntax error: missing '}'", Env.Word("${a:-b").Error);
        Assert.Equal("unsupported modifier (:=) in substitution", Env.Word("${a:=b}").Error);
        Assert.Equal("unsupported modifier (=) in substitution", Env.Word("${a=b}").Error);
        Assert.Equal("unexpected end of statement while looking for matching single-quote", Env.Word("'a").Error);
    }

    [Fact]
    public void An_inner_error_that_ends_at_the_end_of_the_word_is_reported_as_the_missing_outer_brace()
    {
        // BuildKit replaces any error of a modifier word with "missing '}'" when the scanner is at EOF.
        Assert.Equal(DiagnosticCodes.ExpansionUnterminatedSubstitution, Env.ErrorCode("${a:-${b:?oops}"));
        Assert.Equal("b: oops", Env.Word("${a:-${b:?oops}}").Error);
    }

    [Fact]
    public void Matched_and_unmatched_record_every_lookup_including_those_in_unused_defaults()
    {
        // The default word is expanded before the variable is looked up, so B is looked up too.
        var result = Env.Word("${A:-$B} ${C:+$A} $A", "A=a", "C=");
        Assert.Equal("a  a", result.Value);
        Assert.Equal(["A", "C"], result.Matched.Order(StringComparer.Ordinal));
        Assert.Equal(["B"], result.Unmatched.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Names_are_case_sensitive_with_an_ordinal_environment()
    {
        var result = Env.Word("$pwd|$PWD", "PWD=/home");
        Assert.Equal("|/home", result.Value);
        Assert.Equal(["pwd"], result.Unmatched);
    }

    [Fact]
    public void The_environment_comparer_decides_name_matching()
    {
        var caseless = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["PWD"] = "/home" };
        Assert.Equal("/home", new Kiln.Dockerfile.Expansion.ShellWordExpander().ExpandWord("$pwd", caseless).Value);
    }

    [Fact]
    public void Environment_entries_split_at_the_first_equals_and_the_last_duplicate_wins()
    {
        var env = Env.Of("A=1=2", "B", "C=x", "C=y", "D=");
        Assert.Equal("1=2", env["A"]);
        Assert.Equal(string.Empty, env["B"]);
        Assert.Equal("y", env["C"]);
        Assert.Equal(string.Empty, env["D"]);
    }
}
