using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Syntax;
using Kiln.Dockerfile.Text;
using static Kiln.Dockerfile.Tests.Syntax.ParserTestHelpers;

namespace Kiln.Dockerfile.Tests.Syntax;

public sealed class DirectiveTests
{
    [Fact]
    public void Directives_are_recorded_with_lower_case_names_and_their_lines()
    {
        var syntax = DockerfileParser.Parse("# SYNTAX = docker/dockerfile:1.7 \n#Escape=`\n# check=skip=all\nFROM a\n");

        SequenceEqual(
            [
                new ParserDirective("syntax", "docker/dockerfile:1.7", SourceSpan.Lines(1, 1)),
                new ParserDirective("escape", "`", SourceSpan.Lines(2, 2)),
                new ParserDirective("check", "skip=all", SourceSpan.Lines(3, 3)),
            ],
            syntax.Directives);
        Assert.Empty(syntax.Instructions[0].PrecedingComments);
    }

    [Theory]
    [InlineData("\n# escape=`\nFROM a `\n")]
    [InlineData("# comment\n# escape=`\nFROM a `\n")]
    [InlineData("# unknown=1\n# escape=`\nFROM a `\n")]
    [InlineData("FROM a\n# escape=`\nRUN b `\n")]
    public void Directive_after_any_other_line_is_a_plain_comment(string text)
    {
        var syntax = DockerfileParser.Parse(text);

        Assert.Equal('\\', syntax.EscapeToken);
        Assert.Empty(syntax.Directives);
    }

    [Fact]
    public void Repeated_directive_is_an_error_on_its_line()
    {
        var syntax = DockerfileParser.Parse("# syntax=a\n# Syntax=b\nFROM x\n");

        var error = Assert.Single(syntax.Diagnostics);
        Assert.Equal(DiagnosticCodes.DuplicateDirective, error.Code);
        Assert.Equal("only one syntax parser directive can be used", error.Message);
        Assert.Equal(2, error.Span.StartLine);
        Assert.Single(syntax.Directives);
    }

    [Theory]
    [InlineData("# escape=x\nFROM a\n", "x")]
    [InlineData("# escape=\\\\\nFROM a\n", "\\\\")]
    [InlineData("# escape= \nFROM a\n", " ")]
    public void Invalid_escape_value_is_an_error(string text, string value)
    {
        var syntax = DockerfileParser.Parse(text);

        var error = Assert.Single(syntax.Diagnostics);
        Assert.Equal(DiagnosticCodes.InvalidEscapeToken, error.Code);
        Assert.Equal($"invalid escape token '{value}' does not match ` or \\", error.Message);
        Assert.Equal(1, error.Span.StartLine);
        Assert.Equal('\\', syntax.EscapeToken);
    }

    [Fact]
    public void Detect_syntax_prefers_hash_then_slashes_then_json()
    {
        Assert.Equal(new DirectiveDetection("a", "a b", 1), DirectiveParser.DetectSyntax("# syntax=a b\n//syntax=c\n"));
        Assert.Equal(new DirectiveDetection("c", "c", 2), DirectiveParser.DetectSyntax("#!/bin/x\n//syntax=c\n"));
        Assert.Equal(new DirectiveDetection("j", "j", 0), DirectiveParser.DetectSyntax("{\"syntax\": 1, \"syntax\": \"j\"}"));
        Assert.Null(DirectiveParser.DetectSyntax("{\"syntax\": \"j\", \"n\": 1e999}"));
        Assert.Null(DirectiveParser.DetectSyntax("[\"syntax\"]"));
    }

    [Fact]
    public void Check_directive_is_only_read_in_hash_form()
    {
        Assert.Equal(new DirectiveDetection("skip=all", "skip=all", 1), DirectiveParser.ParseDirective("check", "# check=skip=all\n"));
        Assert.Null(DirectiveParser.ParseDirective("check", "{\"check\": \"skip=all\"}"));
    }

    [Fact]
    public void Directive_line_parser_stops_at_the_first_other_line()
    {
        var parser = new DirectiveParser();

        Assert.NotNull(parser.ParseLine("# escape=`").Directive);
        Assert.Null(parser.ParseLine("FROM a").Directive);
        Assert.True(parser.IsDone);
        Assert.Null(parser.ParseLine("# syntax=x").Directive);
    }
}
