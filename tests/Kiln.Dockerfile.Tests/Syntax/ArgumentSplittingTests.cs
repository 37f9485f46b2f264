using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Syntax;
using static Kiln.Dockerfile.Tests.Syntax.ParserTestHelpers;

namespace Kiln.Dockerfile.Tests.Syntax;

public sealed class ArgumentSplittingTests
{
    [Theory]
    [InlineData("COPY --from=build --chown=\"a b\" src dst", "(copy [\"--from=build\" \"--chown=a b\"] \"src\" \"dst\")")]
    [InlineData("COPY --a='x' -- --not-a-flag dst", "(copy [\"--a=x\"] \"--not-a-flag\" \"dst\")")]
    [InlineData("RUN --mount=type=cache,target=/x\\ y echo", "(run [\"--mount=type=cache,target=/x y\"] \"echo\")")]
    [InlineData("RUN --x=\"\" a", "(run [\"--x=\"] \"a\")")]
    [InlineData("RUN -x a", "(run \"-x a\")")]
    [InlineData("RUN --flag", "(run [\"--flag\"])")]
    public void Leading_double_dash_words_become_flags(string line, string expected)
    {
        Assert.Equal(expected, DumpOf(line));
    }

    [Fact]
    public void Flag_bytes_are_read_one_by_one_like_upstream()
    {
        // BuildKit turns each UTF-8 byte of a flag into its own rune: é (C3 A9) comes out as "Ã©".
        Assert.Equal("(copy [\"--chown=jÃ©\"] \"a\" \"b\")", DumpOf("COPY --chown=jé a b"));
    }

    [Fact]
    public void Flag_backslash_ignores_the_escape_directive()
    {
        Assert.Equal("(copy [\"--a=b c\"] \"x\")", DumpOf("# escape=`\nCOPY --a=b\\ c x"));
    }

    [Theory]
    [InlineData("CMD [\"a\", 1e400]", "(cmd \"[\\\"a\\\", 1e400]\")")]
    [InlineData("CMD [\"a\"] trailing", "(cmd \"[\\\"a\\\"] trailing\")")]
    [InlineData("CMD [\"a\\u0041\\ud83d\\ude00\\ud800\"]", "(cmd \"aA😀\uFFFD\")")]
    [InlineData("CMD [\"tab\there\"]", "(cmd \"[\\\"tab\\there\\\"]\")")]
    [InlineData("COPY [\"a\" \"b\"]", "(copy \"[\\\"a\\\"\" \"\\\"b\\\"]\")")]
    [InlineData("CMD \u00a0[\"a\"]", "(cmd \"a\")")]
    public void Json_that_go_rejects_falls_back_to_shell_form(string line, string expected)
    {
        Assert.Equal(expected, DumpOf(line));
    }

    [Fact]
    public void Json_deeper_than_ten_thousand_levels_is_not_json()
    {
        var deep = "CMD [" + new string('[', 10000) + new string(']', 10000) + "]";
        var ok = "CMD [" + new string('[', 9999) + new string(']', 9999) + "]";

        Assert.False(DockerfileParser.Parse(deep).HasErrors);
        var error = Assert.Single(DockerfileParser.Parse(ok).Diagnostics);
        Assert.Equal(DiagnosticCodes.JsonNotStringArray, error.Code);
    }

    [Fact]
    public void Nested_json_array_is_an_error_with_its_span()
    {
        var syntax = DockerfileParser.Parse("FROM a\n  CMD [\"a\", \\\n [\"b\"]]\nRUN ok\n");

        var error = Assert.Single(syntax.Diagnostics);
        Assert.Equal(DiagnosticCodes.JsonNotStringArray, error.Code);
        Assert.Equal(new Kiln.Dockerfile.Text.SourceSpan(2, 3, 3, 0), error.Span);
        Assert.Equal(["FROM", "RUN"], syntax.Instructions.Select(i => i.Keyword));
    }

    [Theory]
    [InlineData("ENV a b c", "(env \"a\" \"b c\" \"\")")]
    [InlineData("ENV a\t  b  c ", "(env \"a\" \"b  c\" \"\")")]
    [InlineData("ENV a=\"x y\" b=z\\ w", "(env \"a\" \"\\\"x y\\\"\" \"=\" \"b\" \"z\\\\ w\" \"=\")")]
    [InlineData("ENV a=", "(env \"a\" \"\" \"=\")")]
    [InlineData("LABEL \"a b\"=c", "(label \"\\\"a b\\\"\" \"c\" \"=\")")]
    [InlineData("ENV", "(env)")]
    public void Env_and_label_build_name_value_triples(string line, string expected)
    {
        Assert.Equal(expected, DumpOf(line));
    }

    [Theory]
    [InlineData("ENV PATH", DiagnosticCodes.MissingKeyValue, "ENV must have two arguments")]
    [InlineData("LABEL onlyname", DiagnosticCodes.MissingKeyValue, "LABEL must have two arguments")]
    [InlineData("ENV a=b c", DiagnosticCodes.KeyValueSyntax, "Syntax error - can't find = in \"c\". Must be of the form: name=value")]
    public void Bad_env_and_label_are_errors(string line, string code, string message)
    {
        var syntax = DockerfileParser.Parse("FROM x\n" + line + "\n");

        var error = Assert.Single(syntax.Diagnostics);
        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
        Assert.Equal(2, error.Span.StartLine);
        Assert.Equal(1, error.Span.StartColumn);
    }

    [Theory]
    [InlineData("foo", new[] { "foo" })]
    [InlineData("a 'b c' \"d e\"", new[] { "a", "'b c'", "\"d e\"" })]
    [InlineData("a\\ b c\\", new[] { "a\\ b", "c" })]
    [InlineData("'a\\'b'", new[] { "'a\\'b'" })]
    [InlineData("\"a\\\"b\" x", new[] { "\"a\\\"b\"", "x" })]
    [InlineData("\"\"", new[] { "\"\"" })]
    [InlineData("a\u00a0b\u3000c", new[] { "a", "b", "c" })]
    [InlineData("😀 x", new[] { "😀", "x" })]
    public void Parse_words_splits_on_unquoted_unicode_space_and_keeps_quotes(string input, string[] expected)
    {
        SequenceEqual(expected, InstructionLineParser.ParseWords(input, '\\'));
    }

    [Fact]
    public void Parse_words_uses_the_escape_token_it_is_given()
    {
        SequenceEqual(["a` b", "c\\"], InstructionLineParser.ParseWords("a` b c\\", '`'));
    }
}
