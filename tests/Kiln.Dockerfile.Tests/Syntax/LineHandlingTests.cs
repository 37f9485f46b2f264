using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Syntax;
using Kiln.Dockerfile.Text;
using static Kiln.Dockerfile.Tests.Syntax.ParserTestHelpers;

namespace Kiln.Dockerfile.Tests.Syntax;

public sealed class LineHandlingTests
{
    [Theory]
    [InlineData("RUN a \\\n  b", "(run \"a   b\")")]
    [InlineData("RUN a\\\nb", "(run \"ab\")")]
    [InlineData("RUN a \\ \t\nb", "(run \"a b\")")]
    [InlineData("RUN a \\\\\nRUN b", "(run \"a \\\\\\\\\")\n(run \"b\")")]
    [InlineData("RUN a \\\n# comment\n  # indented comment\nb", "(run \"a b\")")]
    [InlineData("RUN a \\", "(run \"a\")")]
    public void Backslash_continues_lines_as_buildkit_does(string text, string expected)
    {
        Assert.Equal(expected, DumpOf(text));
    }

    [Fact]
    public void Backtick_escape_directive_switches_the_continuation_character()
    {
        var syntax = DockerfileParser.Parse("# escape=`\nFROM windows\nRUN dir `\n  c:\\ \\\nRUN next\n");

        Assert.Equal('`', syntax.EscapeToken);
        Assert.Equal("(from \"windows\")\n(run \"dir   c:\\\\ \\\\\")\n(run \"next\")", AstDump.Dump(syntax));
        Assert.Equal(new SourceSpan(3, 1, 4, 0), syntax.Instructions[1].Span);
    }

    [Fact]
    public void Escaped_backtick_does_not_continue_under_the_backtick_directive()
    {
        Assert.Equal("(run \"a ``\")\n(run \"b\")", DumpOf("# escape=`\nRUN a ``\nRUN b\n"));
    }

    [Fact]
    public void Utf8_bom_is_ignored_on_the_first_line_only()
    {
        var syntax = DockerfileParser.Parse("\uFEFF# escape=`\nFROM a `\n  b\n");

        Assert.False(syntax.HasErrors);
        Assert.Equal('`', syntax.EscapeToken);
        Assert.Equal("(from \"a\" \"b\")", AstDump.Dump(syntax));
        Assert.Equal(new SourceSpan(2, 1, 3, 0), syntax.Instructions[0].Span);
    }

    [Fact]
    public void Bom_at_the_start_of_a_later_line_is_part_of_the_keyword()
    {
        // U+FEFF is not white space to Go, so the keyword is "\uFEFFRUN", an unknown instruction.
        Assert.Equal("(from \"a\")\n(\ufeffrun \"\")", DumpOf("FROM a\n\uFEFFRUN b\n"));
    }

    [Fact]
    public void Crlf_line_ends_are_accepted_and_cr_is_dropped_before_continuation()
    {
        var syntax = DockerfileParser.Parse("FROM a\r\nRUN b \\\r\n  c\r\nLABEL x=y\r\n");

        Assert.False(syntax.HasErrors);
        Assert.Equal("(from \"a\")\n(run \"b   c\")\n(label \"x\" \"y\" \"=\")", AstDump.Dump(syntax));
        Assert.Equal("RUN b   c", syntax.Instructions[1].Original);
    }

    [Fact]
    public void Lone_cr_inside_a_line_is_an_argument_separator_for_from()
    {
        Assert.Equal("(from \"a\" \"b\")", DumpOf("FROM a\rb\n"));
    }

    [Fact]
    public void Instruction_spans_cover_continuations_and_start_at_the_keyword_column()
    {
        var syntax = DockerfileParser.Parse("\n  FROM a\n\n\tRUN b \\\n c \\\n\n d\nUSER u");

        Assert.Equal(new SourceSpan(2, 3, 2, 0), syntax.Instructions[0].Span);
        Assert.Equal(new SourceSpan(4, 2, 7, 0), syntax.Instructions[1].Span);
        Assert.Equal(new SourceSpan(8, 1, 8, 0), syntax.Instructions[2].Span);
        Assert.Equal(SourceSpan.Lines(2, 8), syntax.Span);
    }

    [Fact]
    public void Keyword_after_a_lone_continuation_has_no_column()
    {
        var syntax = DockerfileParser.Parse("\\\nRUN a\n");

        Assert.Equal("(run \"a\")", AstDump.Dump(syntax));
        Assert.Equal(new SourceSpan(1, 0, 2, 0), syntax.Instructions[0].Span);
    }

    [Fact]
    public void Original_is_the_joined_logical_line()
    {
        var syntax = DockerfileParser.Parse("  RUN a \\\n   b  \n");

        Assert.Equal("RUN a    b  ", syntax.Instructions[0].Original);
    }

    [Fact]
    public void Comments_directly_above_an_instruction_are_kept_in_order()
    {
        var syntax = DockerfileParser.Parse("# syntax=x\n# first\n\n#   second  \nFROM a\n# for run\nRUN b\nRUN c\n");

        SequenceEqual(["first", "second"], syntax.Instructions[0].PrecedingComments);
        SequenceEqual(["for run"], syntax.Instructions[1].PrecedingComments);
        Assert.Empty(syntax.Instructions[2].PrecedingComments);
    }

    [Fact]
    public void An_empty_comment_line_forgets_the_comments_before_it()
    {
        var syntax = DockerfileParser.Parse("# old\n#\n# new\nFROM a\n");

        SequenceEqual(["new"], syntax.Instructions[0].PrecedingComments);
    }

    [Fact]
    public void Indented_comment_keeps_its_hash_like_upstream()
    {
        // Upstream drops the first byte of the raw line, which for an indented comment is a space.
        var syntax = DockerfileParser.Parse("  # note\nFROM a\n");

        SequenceEqual(["# note"], syntax.Instructions[0].PrecedingComments);
    }

    [Fact]
    public void Empty_continuation_line_is_a_warning_on_that_line()
    {
        var syntax = DockerfileParser.Parse("FROM a\nRUN b \\\n\n c\n");

        var warning = Assert.Single(syntax.Diagnostics);
        Assert.Equal(DiagnosticCodes.EmptyContinuationLine, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(3, warning.Span.StartLine);
        Assert.StartsWith("Empty continuation line found in: RUN b  c", warning.Message, StringComparison.Ordinal);
        Assert.False(syntax.HasErrors);
    }

    [Fact]
    public void White_space_only_continuation_line_counts_as_empty()
    {
        var syntax = DockerfileParser.Parse("RUN b \\\n \t\u00a0\n c\n");

        Assert.Equal(DiagnosticCodes.EmptyContinuationLine, Assert.Single(syntax.Diagnostics).Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \n")]
    [InlineData("# just\n# comments\n")]
    [InlineData("# syntax=docker/dockerfile:1\n")]
    [InlineData("\uFEFF")]
    public void File_without_instructions_is_an_error(string text)
    {
        var syntax = DockerfileParser.Parse(text);

        var error = Assert.Single(syntax.Diagnostics);
        Assert.Equal(DiagnosticCodes.NoInstructions, error.Code);
        Assert.Equal("file with no instructions", error.Message);
        Assert.Empty(syntax.Instructions);
        Assert.True(syntax.Span.IsNone);
    }

    [Fact]
    public void Line_of_65535_bytes_is_accepted()
    {
        var syntax = DockerfileParser.Parse("FROM a\nLABEL x=" + new string('a', 65535 - 8) + "\n");

        Assert.False(syntax.HasErrors);
    }

    [Fact]
    public void Line_of_65536_utf8_bytes_stops_the_parse_with_an_error_on_that_line()
    {
        // 21846 three-byte characters are 65538 bytes but only 21846 UTF-16 units.
        var syntax = DockerfileParser.Parse("FROM a\nLABEL x=" + new string('€', 21846) + "\nRUN never\n");

        var error = Assert.Single(syntax.Diagnostics);
        Assert.Equal(DiagnosticCodes.LineTooLong, error.Code);
        Assert.Equal("dockerfile line greater than max allowed size of 65535", error.Message);
        Assert.Equal(2, error.Span.StartLine);
        Assert.Single(syntax.Instructions);
    }

    [Fact]
    public void Keyword_case_is_kept_and_name_is_lower_case()
    {
        var syntax = DockerfileParser.Parse("FrOm a\n");

        Assert.Equal("FrOm", syntax.Instructions[0].Keyword);
        Assert.Equal("from", syntax.Instructions[0].Name);
    }

    [Fact]
    public void Exec_form_sets_is_json()
    {
        var syntax = DockerfileParser.Parse("CMD [\"a\"]\nCMD a\nHEALTHCHECK CMD [\"b\"]\n");

        SequenceEqual([true, false, true], syntax.Instructions.Select(i => i.IsJson));
    }
}
