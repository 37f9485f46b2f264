using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Syntax;
using Kiln.Dockerfile.Text;
using static Kiln.Dockerfile.Tests.Syntax.ParserTestHelpers;

namespace Kiln.Dockerfile.Tests.Syntax;

public sealed class HeredocTests
{
    [Fact]
    public void Heredoc_body_is_attached_and_counted_in_the_span_but_not_dumped()
    {
        var syntax = DockerfileParser.Parse("FROM a\nRUN <<EOF\necho hi\nEOF\nUSER me\n");

        Assert.False(syntax.HasErrors);
        Assert.Equal("(from \"a\")\n(run \"<<EOF\")\n(user \"me\")", AstDump.Dump(syntax));
        SequenceEqual([new Heredoc("EOF", "echo hi\n", true, false, 0)], syntax.Instructions[1].Heredocs);
        Assert.Equal(new SourceSpan(2, 1, 4, 0), syntax.Instructions[1].Span);
    }

    [Fact]
    public void Several_heredocs_are_read_one_after_the_other()
    {
        var syntax = DockerfileParser.Parse("COPY <<A 3<<-'B' /dst\na\nA\n\tb\n\tB\n");

        SequenceEqual(
            [new Heredoc("A", "a\n", true, false, 0), new Heredoc("B", "\tb\n", false, true, 3)],
            syntax.Instructions[0].Heredocs);
    }

    [Fact]
    public void Heredoc_body_keeps_crlf_and_the_terminator_may_end_in_cr()
    {
        var syntax = DockerfileParser.Parse("RUN <<EOF\r\nline\r\nEOF\r\nUSER x\r\n");

        Assert.Equal("line\r\n", syntax.Instructions[0].Heredocs[0].Content);
        Assert.Equal(2, syntax.Instructions.Length);
    }

    [Fact]
    public void Onbuild_run_can_carry_a_heredoc()
    {
        var syntax = DockerfileParser.Parse("ONBUILD RUN <<EOF\nx\nEOF\n");

        Assert.Equal("x\n", Assert.Single(syntax.Instructions[0].Heredocs).Content);
        var child = syntax.Instructions[0].Arguments[0].Child!;
        Assert.Equal("RUN <<EOF", child.Original);
        Assert.Equal(SourceSpan.Lines(1, 3), child.Span);
    }

    [Theory]
    [InlineData("USER <<EOF\nEOF\n")]
    [InlineData("RUN [\"<<EOF\"]\nEOF\n")]
    [InlineData("RUN '<<EOF'\nEOF\n")]
    [InlineData("ONBUILD ONBUILD RUN <<EOF\nEOF\n")]
    public void Marker_outside_shell_form_run_copy_add_is_not_a_heredoc(string text)
    {
        var syntax = DockerfileParser.Parse(text);

        Assert.Equal(2, syntax.Instructions.Length);
        Assert.Empty(syntax.Instructions[0].Heredocs);
    }

    [Fact]
    public void Unterminated_heredoc_is_an_error_spanning_to_the_end()
    {
        var syntax = DockerfileParser.Parse("FROM a\nRUN <<EOF\nnever ends\n");

        var error = Assert.Single(syntax.Diagnostics);
        Assert.Equal(DiagnosticCodes.UnterminatedHeredoc, error.Code);
        Assert.Equal(new SourceSpan(2, 1, 3, 0), error.Span);
        Assert.Contains("unterminated heredoc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Heredoc_marker_whose_delimiter_cannot_be_lexed_is_an_error()
    {
        // The line lexer splits an expanded ${...} at its spaces (quoted or not), leaving the word <<x"y
        // whose own lexing finds an unterminated quote.
        var syntax = DockerfileParser.Parse("RUN ${a:- <<x\"y z\"}\nx\n");

        var error = Assert.Single(syntax.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCodes.InvalidHeredoc, error.Code);
        Assert.Equal(1, error.Span.StartLine);
    }

    [Theory]
    [InlineData("<<EOF", "EOF", true, false, 0u)]
    [InlineData("<<-\"E F\"", "E F", false, true, 0u)]
    [InlineData("12<<X", "X", true, false, 12u)]
    [InlineData("99999999999<<X", "X", true, false, uint.MaxValue)]
    [InlineData("<<\\'X", "'X", true, false, 0u)]
    [InlineData("<<${X}", "${X}", true, false, 0u)]
    [InlineData("<<\uFEFFX", "X", true, false, 0u)]
    public void Parse_heredoc_reads_name_quoting_chomp_and_descriptor(string word, string name, bool expand, bool chomp, uint fd)
    {
        var result = HeredocParser.ParseHeredoc(word);

        Assert.Null(result.Error);
        Assert.Equal(new Heredoc(name, string.Empty, expand, chomp, fd), result.Heredoc);
    }

    [Fact]
    public void Heredocs_from_line_keeps_white_space_after_the_marker_in_the_word()
    {
        SequenceEqual(["EOF"], HeredocParser.HeredocsFromLine("RUN <<\t EOF cat").Heredocs.Select(h => h.Name));
        Assert.Empty(HeredocParser.HeredocsFromLine("RUN <<\vEOF").Heredocs);
        Assert.Empty(HeredocParser.HeredocsFromLine("RUN \"<<EOF").Heredocs);
    }

    [Fact]
    public void Chomp_removes_tabs_after_every_newline_but_not_after_cr_or_spaces()
    {
        Assert.Equal("a\n b\r\tc\n", HeredocParser.ChompHeredocContent("\t\ta\n b\r\tc\n\t"));
    }

    [Fact]
    public void Absurd_substitution_nesting_in_a_marker_is_reported_not_a_crash()
    {
        var word = "<<" + string.Concat(Enumerable.Repeat("${a:-", 200000)) + new string('}', 200000);

        var result = HeredocParser.ParseHeredoc(word);

        Assert.True(result.Heredoc is not null || result.Error is not null);
    }
}
