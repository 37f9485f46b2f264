using System.Text;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Conformance.Parser;

/// <summary>BuildKit's <c>TestParseCases</c>, <c>TestParseErrorCases</c> and the testfile-line case.</summary>
public sealed class ParserTestfileTests
{
    public static TheoryData<string> PositiveCases => ParserCorpus.CaseDirectories("testfiles");

    public static TheoryData<string> NegativeCases => ParserCorpus.CaseDirectories("testfiles-negative");

    [Fact]
    public void The_corpus_has_the_documented_number_of_cases()
    {
        Assert.Equal(33, PositiveCases.Count);
        Assert.Equal(4, NegativeCases.Count);
    }

    [Theory]
    [MemberData(nameof(PositiveCases))]
    public void Testfile_parses_and_dumps_exactly_like_the_result_file(string name)
    {
        var syntax = DockerfileParser.Parse(ParserCorpus.ReadText("testfiles", name, "Dockerfile"));

        Assert.DoesNotContain(syntax.Diagnostics, d => d.IsError);
        var expected = File.ReadAllBytes(ParserCorpus.PathOf("testfiles", name, "result"));
        var actual = Encoding.UTF8.GetBytes(AstDump.Dump(syntax) + "\n");
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(NegativeCases))]
    public void Negative_testfile_fails_with_an_error_diagnostic(string name)
    {
        var syntax = DockerfileParser.Parse(ParserCorpus.ReadText("testfiles-negative", name, "Dockerfile"));

        Assert.True(syntax.HasErrors);
        Assert.All(syntax.Diagnostics.Where(d => d.IsError), d => Assert.StartsWith("DF1", d.Code, StringComparison.Ordinal));
    }

    [Fact]
    public void Testfile_line_has_the_documented_root_and_instruction_lines()
    {
        var syntax = DockerfileParser.Parse(ParserCorpus.ReadText("testfile-line", "Dockerfile"));

        Assert.False(syntax.HasErrors);
        Assert.Equal((5, 31), (syntax.Span.StartLine, syntax.Span.EndLine));
        Assert.Equal(
            [(5, 5), (11, 12), (17, 31)],
            syntax.Instructions.Select(i => (i.Span.StartLine, i.Span.EndLine)));
    }

    [Fact]
    public void Line_numbers_match_the_extra_table()
    {
        var table = ParserCorpus.ReadJson("parser-misc.json").GetProperty("line_numbers");
        var syntax = DockerfileParser.Parse(ParserCorpus.ReadText("extra", table.GetProperty("dockerfile").GetString()!));

        var root = table.GetProperty("root").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(root, new[] { syntax.Span.StartLine, syntax.Span.EndLine });
        var children = table.GetProperty("children").EnumerateArray()
            .Select(c => (c[0].GetInt32(), c[1].GetInt32())).ToArray();
        Assert.Equal(children, syntax.Instructions.Select(i => (i.Span.StartLine, i.Span.EndLine)));
    }

    [Fact]
    public void Empty_continuation_file_parses_with_exactly_two_warnings()
    {
        var table = ParserCorpus.ReadJson("parser-misc.json").GetProperty("empty_continuation_warnings");
        var syntax = DockerfileParser.Parse(ParserCorpus.ReadText("extra", table.GetProperty("dockerfile").GetString()!));

        Assert.False(syntax.HasErrors);
        var warnings = syntax.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).ToArray();
        var expected = table.GetProperty("warnings").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, warnings.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(DiagnosticCodes.EmptyContinuationLine, warnings[i].Code);
            foreach (var part in expected[i].GetProperty("short_contains").EnumerateArray())
            {
                Assert.Contains(part.GetString()!, warnings[i].Message, StringComparison.Ordinal);
            }

            Assert.Contains(table.GetProperty("detail_contains").GetString()!, warnings[i].Message, StringComparison.Ordinal);
            Assert.Contains(table.GetProperty("url").GetString()!, warnings[i].Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Line_of_64_KiB_fails_with_the_BuildKit_message()
    {
        var table = ParserCorpus.ReadJson("parser-misc.json").GetProperty("line_too_long");
        var length = table.GetProperty("label_value_length").GetInt32();
        var text = "\n\t\tFROM image\n\t\tLABEL test=" + new string('a', length) + "\n";

        var syntax = DockerfileParser.Parse(text);

        var error = Assert.Single(syntax.Diagnostics, d => d.IsError);
        Assert.Equal(table.GetProperty("error").GetString(), error.Message);
        Assert.Equal(DiagnosticCodes.LineTooLong, error.Code);
    }
}
