using System.Text.Json;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Conformance.Parser;

/// <summary>The tables of <c>buildkit-parser/extra/*.json</c>, one theory row per expectation.</summary>
public sealed class ParserExtraTests
{
    private static readonly JsonElement Heredoc = ParserCorpus.ReadJson("heredoc.json");
    private static readonly JsonElement Misc = ParserCorpus.ReadJson("parser-misc.json");
    private static readonly JsonElement JsonArrays = ParserCorpus.ReadJson("json-arrays.json");
    private static readonly JsonElement NameVal = ParserCorpus.ReadJson("nameval.json");
    private static readonly JsonElement Directives = ParserCorpus.ReadJson("directives.json");

    private static readonly Lazy<DockerfileSyntax> ExtractFile = new(() =>
        DockerfileParser.Parse(ParserCorpus.ReadText("extra", Heredoc.GetProperty("extract").GetProperty("dockerfile").GetString()!)));

    public static TheoryData<int> HeredocExtractCases => ParserCorpus.Indexes(Heredoc.GetProperty("extract").GetProperty("expected").GetArrayLength());

    public static TheoryData<int> JsonFormChildren
    {
        get
        {
            var data = new TheoryData<int>();
            foreach (var i in Heredoc.GetProperty("json_form").GetProperty("child_indexes_without_heredocs").EnumerateArray())
            {
                data.Add(i.GetInt32());
            }

            return data;
        }
    }

    public static TheoryData<string, string> HeredocWords
    {
        get
        {
            var data = new TheoryData<string, string>();
            var table = Heredoc.GetProperty("parse_heredoc_word");
            foreach (var kind in (string[])["valid_name_EOF", "invalid", "not_heredoc"])
            {
                foreach (var word in table.GetProperty(kind).EnumerateArray())
                {
                    data.Add(kind, word.GetString()!);
                }
            }

            return data;
        }
    }

    public static TheoryData<int> HeredocLineCases => ParserCorpus.Indexes(Heredoc.GetProperty("heredocs_from_line").GetProperty("cases").GetArrayLength());

    public static TheoryData<int> ParseWordsCases => ParserCorpus.Indexes(Misc.GetProperty("parse_words").GetProperty("cases").GetArrayLength());

    public static TheoryData<int> ValidJsonArrays => ParserCorpus.Indexes(JsonArrays.GetProperty("valid").GetArrayLength());

    public static TheoryData<string> InvalidJsonArrays
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var input in JsonArrays.GetProperty("invalid_not_string_array").EnumerateArray())
            {
                data.Add(input.GetString()!);
            }

            return data;
        }
    }

    public static TheoryData<int> NameValCases => ParserCorpus.Indexes(NameVal.GetProperty("cases").GetArrayLength());

    public static TheoryData<int> ParseAllCases => ParserCorpus.Indexes(Directives.GetProperty("directive_parser_parse_all").GetProperty("cases").GetArrayLength());

    public static TheoryData<int> DetectSyntaxCases => ParserCorpus.Indexes(Directives.GetProperty("detect_syntax").GetProperty("cases").GetArrayLength());

    public static TheoryData<int> CheckDirectiveCases => ParserCorpus.Indexes(Directives.GetProperty("parse_directive_check").GetProperty("cases").GetArrayLength());

    [Fact]
    public void Heredoc_extract_file_parses_without_errors()
    {
        Assert.False(ExtractFile.Value.HasErrors, string.Join("\n", ExtractFile.Value.Diagnostics));
    }

    [Theory]
    [MemberData(nameof(HeredocExtractCases))]
    public void Heredoc_extract_child_has_the_expected_heredocs(int row)
    {
        var expected = Heredoc.GetProperty("extract").GetProperty("expected")[row];
        var child = ExtractFile.Value.Instructions[expected.GetProperty("child_index").GetInt32()];

        var heredocs = expected.GetProperty("heredocs");
        var wanted = heredocs.ValueKind == JsonValueKind.Null
            ? []
            : heredocs.EnumerateArray().Select(h => new Heredoc(
                h.GetProperty("Name").GetString()!,
                h.GetProperty("Content").GetString()!,
                h.GetProperty("Expand").GetBoolean(),
                h.GetProperty("Chomp").GetBoolean(),
                h.GetProperty("FileDescriptor").GetUInt32())).ToArray();
        Assert.Equal(wanted, child.Heredocs);
    }

    [Theory]
    [MemberData(nameof(JsonFormChildren))]
    public void Json_form_run_has_no_heredocs(int childIndex)
    {
        var syntax = DockerfileParser.Parse(ParserCorpus.ReadText("extra", Heredoc.GetProperty("json_form").GetProperty("dockerfile").GetString()!));

        Assert.False(syntax.HasErrors);
        Assert.True(syntax.Instructions[childIndex].IsJson);
        Assert.Empty(syntax.Instructions[childIndex].Heredocs);
    }

    [Fact]
    public void Chomp_removes_leading_tabs_of_every_line()
    {
        var chomp = Heredoc.GetProperty("chomp");
        Assert.Equal(chomp.GetProperty("expected").GetString(), HeredocParser.ChompHeredocContent(chomp.GetProperty("input").GetString()!));
    }

    [Theory]
    [MemberData(nameof(HeredocWords))]
    public void Parse_heredoc_word_classifies_the_word(string kind, string word)
    {
        var result = HeredocParser.ParseHeredoc(word);

        switch (kind)
        {
            case "valid_name_EOF":
                Assert.Null(result.Error);
                Assert.Equal("EOF", result.Heredoc?.Name);
                break;
            case "invalid":
                Assert.NotNull(result.Error);
                Assert.Null(result.Heredoc);
                break;
            default:
                Assert.Null(result.Error);
                Assert.Null(result.Heredoc);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(HeredocLineCases))]
    public void Heredocs_from_line_returns_the_names_in_order(int row)
    {
        var testCase = Heredoc.GetProperty("heredocs_from_line").GetProperty("cases")[row];
        var names = testCase.GetProperty("heredocNames");
        var expected = names.ValueKind == JsonValueKind.Null ? [] : ParserCorpus.Strings(names);

        var result = HeredocParser.HeredocsFromLine(testCase.GetProperty("line").GetString()!);

        Assert.Null(result.Error);
        Assert.Equal(expected, result.Heredocs.Select(h => h.Name));
    }

    [Theory]
    [MemberData(nameof(ParseWordsCases))]
    public void Parse_words_keeps_quotes_and_splits_on_unquoted_space(int row)
    {
        var testCase = Misc.GetProperty("parse_words").GetProperty("cases")[row];

        var words = InstructionLineParser.ParseWords(testCase.GetProperty("input").GetString()!, '\\');

        Assert.Equal(ParserCorpus.Strings(testCase.GetProperty("expect")), words);
    }

    [Theory]
    [MemberData(nameof(ValidJsonArrays))]
    public void Valid_json_array_gives_its_strings(int row)
    {
        var testCase = JsonArrays.GetProperty("valid")[row];

        var result = GoJson.ParseStringArray(testCase.GetProperty("input").GetString()!);

        Assert.Equal(JsonArrayOutcome.StringArray, result.Outcome);
        Assert.Equal(ParserCorpus.Strings(testCase.GetProperty("expected")), result.Values);
    }

    [Theory]
    [MemberData(nameof(InvalidJsonArrays))]
    public void Json_array_with_a_non_string_is_the_not_string_array_error(string input)
    {
        Assert.Equal(JsonArrayOutcome.NotStringArray, GoJson.ParseStringArray(input).Outcome);

        var syntax = DockerfileParser.Parse("CMD " + input + "\n");
        var error = Assert.Single(syntax.Diagnostics, d => d.IsError);
        Assert.Equal(JsonArrayResult.NotStringArrayMessage, error.Message);
    }

    [Theory]
    [MemberData(nameof(NameValCases))]
    public void Name_value_chain_is_built_as_upstream(int row)
    {
        var testCase = NameVal.GetProperty("cases")[row];

        var result = InstructionLineParser.ParseNameValue(
            testCase.GetProperty("input").GetString()!, testCase.GetProperty("key").GetString()!, '\\');

        if (testCase.TryGetProperty("error", out var error))
        {
            Assert.Equal(error.GetString(), result.Error);
        }
        else
        {
            Assert.Null(result.Error);
            Assert.Equal(ParserCorpus.Strings(testCase.GetProperty("expected_chain")), result.Arguments.Select(a => a.Value));
        }
    }

    [Theory]
    [MemberData(nameof(ParseAllCases))]
    public void Directive_parser_parse_all_returns_the_leading_directives(int row)
    {
        var testCase = Directives.GetProperty("directive_parser_parse_all").GetProperty("cases")[row];

        var directives = new DirectiveParser().ParseAll(testCase.GetProperty("input").GetString()!);

        var expected = testCase.GetProperty("expected").EnumerateArray()
            .Select(e => (e.GetProperty("name").GetString(), e.GetProperty("value").GetString()));
        Assert.Equal(expected, directives.Select(d => ((string?)d.Name, (string?)d.Value)));
    }

    [Theory]
    [MemberData(nameof(DetectSyntaxCases))]
    public void Detect_syntax_matches_the_table(int row)
    {
        var testCase = Directives.GetProperty("detect_syntax").GetProperty("cases")[row];
        AssertDetection(testCase, DirectiveParser.DetectSyntax(InputOf(testCase)));
    }

    [Theory]
    [MemberData(nameof(CheckDirectiveCases))]
    public void Parse_check_directive_matches_the_table(int row)
    {
        var testCase = Directives.GetProperty("parse_directive_check").GetProperty("cases")[row];
        AssertDetection(testCase, DirectiveParser.ParseDirective("check", InputOf(testCase)));
    }

    private static string InputOf(JsonElement testCase)
    {
        var input = testCase.GetProperty("input").GetString()!;
        return testCase.TryGetProperty("input_bom_prefixed", out var bom) && bom.GetBoolean() ? "\uFEFF" + input : input;
    }

    private static void AssertDetection(JsonElement testCase, DirectiveDetection? detection)
    {
        var ok = testCase.GetProperty("ok").GetBoolean();
        Assert.Equal(ok, detection is not null);
        if (testCase.TryGetProperty("ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            Assert.Equal(reference.GetString(), detection?.Ref ?? string.Empty);
        }

        if (testCase.TryGetProperty("cmdline", out var cmdline) && cmdline.ValueKind == JsonValueKind.String)
        {
            Assert.Equal(cmdline.GetString(), detection?.Cmdline ?? string.Empty);
        }

        if (testCase.TryGetProperty("line", out var line) && line.ValueKind == JsonValueKind.Number)
        {
            Assert.Equal(line.GetInt32(), detection?.Line);
        }
    }
}
