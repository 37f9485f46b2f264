using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Tests.Syntax;

public sealed class GoQuoteTests
{
    [Theory]
    [InlineData("", "\"\"")]
    [InlineData("abc 123", "\"abc 123\"")]
    [InlineData("\" \\ / \b \f \n \r \t \0", "\"\\\" \\\\ / \\b \\f \\n \\r \\t \\x00\"")]
    [InlineData("\a\v\u001b\u007f", "\"\\a\\v\\x1b\\x7f\"")]
    [InlineData("é♥한국어", "\"é♥한국어\"")]
    [InlineData("a\u00a0b\u200bc\u00ad", "\"a\\u00a0b\\u200bc\\u00ad\"")]
    [InlineData("\u0085\u2028", "\"\\u0085\\u2028\"")]
    [InlineData("😀", "\"😀\"")]
    [InlineData("\U000E0001", "\"\\U000e0001\"")]
    [InlineData("\uFFFD", "\"\uFFFD\"")]
    public void Quote_follows_go_strconv_quote(string input, string expected)
    {
        Assert.Equal(expected, GoQuote.Quote(input));
    }

    [Fact]
    public void Unpaired_surrogate_is_quoted_as_the_replacement_character()
    {
        Assert.Equal("\"a\uFFFDb\"", GoQuote.Quote("a\uD800b"));
    }
}
