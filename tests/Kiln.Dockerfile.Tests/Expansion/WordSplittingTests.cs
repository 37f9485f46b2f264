using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Tests.Expansion;

public sealed class WordSplittingTests
{
    private static string[] Words(string input, params string[] env)
    {
        var result = new ShellWordExpander().ExpandWords(input, Env.Of(env));
        Assert.True(result.Succeeded, result.Error);
        return [.. result.Values];
    }

    [Theory]
    [InlineData("a b", new[] { "a", "b" })]
    [InlineData("  a \t  b  ", new[] { "a", "b" })]
    [InlineData("a\tb\nc", new[] { "a", "b", "c" })]
    [InlineData("\"a b\"", new[] { "a b" })]
    [InlineData("'a  b'c", new[] { "a  bc" })]
    [InlineData("a\\ b", new[] { "a b" })]
    [InlineData("'a'\"b\"c", new[] { "abc" })]
    public void Unquoted_white_space_splits_and_quoted_or_escaped_white_space_does_not(string input, string[] expected)
    {
        Assert.Equal(expected, Words(input));
    }

    [Theory]
    [InlineData("$X", new[] { "a", "b" })]
    [InlineData("\"$X\"", new[] { "a  b" })]
    [InlineData("x${X}y", new[] { "xa", "by" })]
    [InlineData("\"a\"$L", new[] { "a", "b" })]
    [InlineData("$T\"c\"", new[] { "a", "c" })]
    [InlineData("${U:-\"a b\"}", new[] { "a", "b" })]
    [InlineData("\"${U:-a b}\"", new[] { "a b" })]
    public void Results_of_unquoted_expansions_split_even_when_they_came_from_quotes_inside_the_substitution(string input, string[] expected)
    {
        Assert.Equal(expected, Words(input, "X=a  b", "L= b", "T=a "));
    }

    [Theory]
    [InlineData("$E")]
    [InlineData("$U")]
    [InlineData("\"\"")]
    [InlineData("''")]
    [InlineData("   ")]
    [InlineData("\"$E\"")]
    public void Empty_expansions_and_empty_quotes_produce_no_word(string input)
    {
        Assert.Empty(Words(input, "E="));
    }

    [Fact]
    public void Empty_pieces_between_words_vanish()
    {
        Assert.Equal(["x", "y"], Words("x $E y", "E="));
        Assert.Equal(["a", "b"], Words("a \"\" b"));
    }

    [Fact]
    public void Splitting_uses_Go_unicode_white_space()
    {
        Assert.Equal(["a", "b"], Words("$X", "X=a\u00A0b"));
        Assert.Equal(["a", "b"], Words("$X", "X=a\u3000b"));
        Assert.Equal(["a\u200Bb"], Words("$X", "X=a\u200Bb"));
    }

    [Fact]
    public void A_failed_split_has_no_words_an_error_and_a_code()
    {
        var result = new ShellWordExpander().ExpandWords("a 'b", Env.Empty);
        Assert.False(result.Succeeded);
        Assert.Empty(result.Values);
        Assert.Equal(DiagnosticCodes.ExpansionUnterminatedQuote, result.ErrorCode);
    }

    [Fact]
    public void Split_words_report_matched_and_unmatched_names()
    {
        var result = new ShellWordExpander().ExpandWords("$A $B", Env.Of("A=1"));
        Assert.Equal(["1"], result.Values.ToArray());
        Assert.Equal(["A"], result.Matched);
        Assert.Equal(["B"], result.Unmatched);
        Assert.Null(result.ErrorCode);
    }
}
