using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Tests.Expansion;

/// <summary>
/// The BuildKit lexer switches. BuildKit finds heredoc markers in an instruction line with
/// RawQuotes+RawEscapes+SkipUnsetEnv (ProcessWords, empty env), expands COPY/ADD heredoc bodies
/// with RawQuotes+RawEscapes, and expands RUN heredoc bodies with SkipProcessQuotes.
/// </summary>
public sealed class LexerOptionTests
{
    private static string Value(ShellWordExpander expander, string input)
    {
        var result = expander.ExpandWord(input, Env.Of("X=x", "E="));
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    [Theory]
    [InlineData("'a b'\"c\"", "'a b'\"c\"")]
    [InlineData("\"$X\"", "\"x\"")]
    [InlineData("'$X'", "'$X'")]
    [InlineData("\\'", "'")]
    public void RawQuotes_keeps_the_quote_characters(string input, string expected)
    {
        Assert.Equal(expected, Value(new ShellWordExpander { RawQuotes = true }, input));
    }

    [Theory]
    [InlineData("a\\ b", "a\\ b")]
    [InlineData("\\$X", "\\$X")]
    [InlineData("a\\", "a\\")]
    [InlineData("\"\\$X\"", "\\$X")]
    [InlineData("\"\\\"\"", "\\\"")]
    [InlineData("\"\\x\"", "\\\\x")]
    [InlineData("${U:-a\\b}", "ab")]
    public void RawEscapes_keeps_escape_tokens_at_the_top_level_only(string input, string expected)
    {
        Assert.Equal(expected, Value(new ShellWordExpander { RawEscapes = true }, input));
    }

    [Theory]
    [InlineData("$U", "$U")]
    [InlineData("a${U}b", "a${U}b")]
    [InlineData("${U:-x}", "${U:-x}")]
    [InlineData("${U-\"a b\"}", "${U-a b}")]
    [InlineData("${U:?}", "${U:?}")]
    [InlineData("${U:=v}", "${U:=v}")]
    [InlineData("${U#*}", "${U#*}")]
    [InlineData("${U//a/b}", "${U/a/b}")]
    [InlineData("$E|${E:-d}", "|d")]
    [InlineData("$X", "x")]
    public void SkipUnsetEnv_leaves_references_to_unset_variables_as_written(string input, string expected)
    {
        Assert.Equal(expected, Value(new ShellWordExpander { SkipUnsetEnv = true }, input));
    }

    [Theory]
    [InlineData("${U=v}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${U:#v}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${X:=v}", DiagnosticCodes.ExpansionUnsupportedModifier)]
    [InlineData("${}", DiagnosticCodes.ExpansionBadSubstitution)]
    public void SkipUnsetEnv_still_rejects_what_fails_before_the_lookup_or_with_a_set_variable(string input, string code)
    {
        var result = new ShellWordExpander { SkipUnsetEnv = true }.ExpandWord(input, Env.Of("X=x"));
        Assert.Equal(code, result.ErrorCode);
    }

    [Theory]
    [InlineData("'$X'", "'x'")]
    [InlineData("\"a b\"", "\"a b\"")]
    [InlineData("'abc", "'abc")]
    [InlineData("\\$X \\'", "$X '")]
    public void SkipProcessQuotes_treats_quotes_as_plain_characters(string input, string expected)
    {
        Assert.Equal(expected, Value(new ShellWordExpander { SkipProcessQuotes = true }, input));
    }

    [Fact]
    public void SkipProcessQuotes_lets_quoted_white_space_split()
    {
        var result = new ShellWordExpander { SkipProcessQuotes = true }.ExpandWords("\"a b\"", Env.Empty);
        Assert.Equal(["\"a", "b\""], result.Values.ToArray());
    }

    [Fact]
    public void Heredoc_marker_detection_settings_keep_every_word_as_written()
    {
        var expander = new ShellWordExpander { RawQuotes = true, RawEscapes = true, SkipUnsetEnv = true };
        var result = expander.ExpandWords("cat <<\"EOF\" > $OUT <<'E O' \\<<x", Env.Empty);
        Assert.Equal(["cat", "<<\"EOF\"", ">", "$OUT", "<<'E O'", "\\<<x"], result.Values.ToArray());
    }

    [Fact]
    public void Copy_heredoc_body_settings_expand_variables_but_keep_quotes_and_escapes()
    {
        var expander = new ShellWordExpander { RawQuotes = true, RawEscapes = true };
        var result = expander.ExpandWord("echo \"$X\" 'y' \\$Z\n", Env.Of("X=x"));
        Assert.Equal("echo \"x\" 'y' \\$Z\n", result.Value);
    }

    [Fact]
    public void Options_default_to_off()
    {
        var expander = new ShellWordExpander();
        Assert.False(expander.RawQuotes);
        Assert.False(expander.RawEscapes);
        Assert.False(expander.SkipProcessQuotes);
        Assert.False(expander.SkipUnsetEnv);
        Assert.Equal('\\', expander.EscapeToken);
    }
}
