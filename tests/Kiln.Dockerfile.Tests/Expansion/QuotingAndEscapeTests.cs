using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Tests.Expansion;

public sealed class QuotingAndEscapeTests
{
    [Theory]
    [InlineData("he'll'o", "hello")]
    [InlineData("\"a'b\"", "a'b")]
    [InlineData("'a\"b'", "a\"b")]
    [InlineData("'a\\b'", "a\\b")]
    [InlineData("'$X'", "$X")]
    [InlineData("'a\\'", "a\\")]
    [InlineData("'a b'", "a b")]
    public void Quotes_are_removed_and_single_quotes_keep_everything_literal(string input, string expected)
    {
        Assert.Equal(expected, Env.Value(input, "X=x"));
    }

    [Theory]
    [InlineData("\"a\\\"b\"", "a\"b")]
    [InlineData("\"a\\$X\"", "a$X")]
    [InlineData("\"a\\\\b\"", "a\\b")]
    [InlineData("\"a\\tb\"", "a\\tb")]
    [InlineData("\"a\\'b\"", "a\\'b")]
    [InlineData("\"$X y\"", "x y")]
    public void Inside_double_quotes_the_escape_only_escapes_quote_dollar_and_itself(string input, string expected)
    {
        Assert.Equal(expected, Env.Value(input, "X=x"));
    }

    [Fact]
    public void Inside_double_quotes_an_escaped_newline_is_kept_unlike_POSIX()
    {
        Assert.Equal("a\\\nb", Env.Value("\"a\\\nb\""));
    }

    [Theory]
    [InlineData("abc\\tdef", "abctdef")]
    [InlineData("a\\ b", "a b")]
    [InlineData("a\\\nb", "a\nb")]
    [InlineData("\\$X", "$X")]
    [InlineData("\\'x", "'x")]
    [InlineData("abc\\", "abc")]
    [InlineData("abc\\\\", "abc\\")]
    public void Outside_quotes_the_escape_escapes_any_character_and_a_trailing_one_is_dropped(string input, string expected)
    {
        Assert.Equal(expected, Env.Value(input, "X=x"));
    }

    [Theory]
    [InlineData("'abc")]
    [InlineData("\"abc")]
    [InlineData("\"abc\\\"")]
    [InlineData("a\\\\'b")]
    public void Unterminated_quotes_are_errors(string input)
    {
        Assert.Equal(DiagnosticCodes.ExpansionUnterminatedQuote, Env.ErrorCode(input));
    }

    [Fact]
    public void A_byte_order_mark_is_skipped_only_at_the_start_of_the_word_as_Go_text_scanner_does()
    {
        Assert.Equal("abc", Env.Value("\uFEFFabc"));
        Assert.Equal("a\uFEFFbc", Env.Value("a\uFEFFbc"));
    }

    [Fact]
    public void Non_ASCII_text_and_surrogate_pairs_pass_through_unchanged()
    {
        Assert.Equal("안녕🖖é", Env.Value("안녕'🖖'\"é\""));
    }

    [Theory]
    [InlineData("a`$X", "a$X")]
    [InlineData("a\\b", "a\\b")]
    [InlineData("a``b", "a`b")]
    [InlineData("\"a`\"b\"", "a\"b")]
    [InlineData("\"a\\\"", "a\\")]
    [InlineData("\"a`tb\"", "a`tb")]
    [InlineData("a` b", "a b")]
    [InlineData("C:\\path\\$X", "C:\\path\\x")]
    public void The_backtick_escape_token_replaces_the_backslash_everywhere_in_the_word(string input, string expected)
    {
        var result = new ShellWordExpander('`').ExpandWord(input, Env.Of("X=x"));
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(expected, result.Value);
        Assert.Equal('`', new ShellWordExpander('`').EscapeToken);
    }

    [Fact]
    public void With_the_backtick_escape_token_glob_escapes_in_patterns_are_still_backslashes()
    {
        var expander = new ShellWordExpander('`');
        Assert.Equal("a", expander.ExpandWord("${X#\\*}", Env.Of("X=*a")).Value);

        // The backtick is kept raw inside the pattern and then is just a literal backtick.
        Assert.Equal("abc", expander.ExpandWord("${X#`*}", Env.Of("X=`abc")).Value);
    }
}
