using Kiln.Dockerfile.Syntax;
using static Kiln.Dockerfile.Tests.Syntax.ParserTestHelpers;

namespace Kiln.Dockerfile.Tests.Syntax;

public sealed class DumpTests
{
    [Theory]
    [InlineData("FROM a b c", "(from \"a\" \"b\" \"c\")")]
    [InlineData("from x AS y", "(from \"x\" \"AS\" \"y\")")]
    [InlineData("FOO bar baz", "(foo \"\")")]
    [InlineData("FOO", "(foo \"\")")]
    [InlineData("RUN", "(run)")]
    [InlineData("CMD []", "(cmd)")]
    [InlineData("HEALTHCHECK NONE", "(healthcheck \"NONE\")")]
    [InlineData("USER  me  too ", "(user \"me  too\")")]
    [InlineData("WORKDIR /a b", "(workdir \"/a b\")")]
    [InlineData("STOPSIGNAL SIGKILL", "(stopsignal \"SIGKILL\")")]
    [InlineData("MAINTAINER Jane <j@x>", "(maintainer \"Jane <j@x>\")")]
    [InlineData("EXPOSE 80\t443", "(expose \"80\" \"443\")")]
    [InlineData("VOLUME [\"/a\", \"/b\"]", "(volume \"/a\" \"/b\")")]
    [InlineData("COPY 'a b' c", "(copy \"'a\" \"b'\" \"c\")")]
    [InlineData("SHELL [\"pwsh\", \"-c\"]", "(shell \"pwsh\" \"-c\")")]
    [InlineData("ENTRYPOINT echo hi", "(entrypoint \"echo hi\")")]
    [InlineData("ARG a=1 b", "(arg \"a=1\" \"b\")")]
    [InlineData("LABEL a=b c=\"d e\"", "(label \"a\" \"b\" \"=\" \"c\" \"\\\"d e\\\"\" \"=\")")]
    [InlineData("ONBUILD ONBUILD RUN x", "(onbuild (onbuild (run \"x\")))")]
    [InlineData("ONBUILD", "(onbuild)")]
    [InlineData("ONBUILD --f=1 COPY [\"a\", \"b\"]", "(onbuild [\"--f=1\"] (copy \"a\" \"b\"))")]
    public void Single_instruction_dumps_like_buildkit(string line, string expected)
    {
        Assert.Equal(expected, DumpOf(line + "\n"));
    }

    [Fact]
    public void Root_dump_is_one_line_per_instruction_without_trailing_newline()
    {
        Assert.Equal("(from \"a\")\n(run \"b\")", DumpOf("FROM a\nRUN b\n"));
    }

    [Fact]
    public void Dump_of_a_tree_with_no_instructions_is_empty()
    {
        Assert.Equal(string.Empty, AstDump.Dump(DockerfileParser.Parse("# only a comment\n")));
    }

    [Fact]
    public void Continuation_at_eof_on_its_own_line_gives_an_instruction_with_an_empty_keyword()
    {
        Assert.Equal("(from \"a\")\n(\"\")", DumpOf("FROM a\n\\\n"));
    }

    [Fact]
    public void Deeply_nested_onbuild_is_parsed_and_dumped_without_recursion()
    {
        const int depth = 3000;
        var text = string.Concat(Enumerable.Repeat("ONBUILD \\\n", depth)) + "RUN x\n";
        string? dump = null;
        var hasErrors = true;

        // A small stack: a recursive parser or dumper would overflow at this depth.
        var thread = new Thread(
            () =>
            {
                var syntax = DockerfileParser.Parse(text);
                hasErrors = syntax.HasErrors;
                dump = AstDump.Dump(syntax);
            },
            maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();

        Assert.False(hasErrors);
        Assert.NotNull(dump);
        Assert.StartsWith("(onbuild (onbuild (onbuild", dump, StringComparison.Ordinal);
        Assert.EndsWith("(onbuild (run \"x\")" + new string(')', depth), dump, StringComparison.Ordinal);
        Assert.Equal(depth + 1, dump.Count(c => c == '('));
    }

    [Fact]
    public void Instruction_dump_has_no_parentheses()
    {
        var syntax = DockerfileParser.Parse("COPY --chown=a:b x y\n");
        Assert.Equal("copy [\"--chown=a:b\"] \"x\" \"y\"", AstDump.Dump(syntax.Instructions[0]));
    }
}
