using System.Collections.Immutable;
using System.Text.Json;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Conformance.Shell;

/// <summary>
/// <c>buildkit-shell/cases.tsv</c>: BuildKit's table-driven lexer tests (mandatory variables,
/// ProcessWordWithMatches incl. matched/unmatched sets, the platform idiom, getEnv).
/// </summary>
public sealed class LexCasesCorpusTests
{
    private static readonly Lazy<ImmutableArray<LexCase>> Rows = new(Load);

    public static TheoryData<int, string, string> Cases()
    {
        var data = new TheoryData<int, string, string>();
        foreach (var row in Rows.Value)
        {
            data.Add(row.Id, row.Api, row.Input);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Row_behaves_as_in_BuildKit(int id, string api, string input)
    {
        var row = Rows.Value.Single(r => r.Id == id);
        Assert.Equal(api, row.Api);
        Assert.Equal(input, row.Input);

        switch (row.Api)
        {
            case "getEnv":
                // A plain lookup; and the same lookup through the lexer must agree.
                Assert.Equal(row.Expected, row.Environment.GetValueOrDefault(row.Input, string.Empty));
                Assert.Equal(row.Expected, new ShellWordExpander().ExpandWord("${" + row.Input + "}", row.Environment).Value);
                break;
            case "ProcessWord" or "ProcessWordWithMatches":
                CheckExpansion(row, new ShellWordExpander().ExpandWord(row.Input, row.Environment));
                break;
            default:
                Assert.Fail($"unknown api '{row.Api}' in cases.tsv row {row.Id}");
                break;
        }
    }

    [Fact]
    public void Corpus_has_63_rows()
    {
        Assert.Equal(63, Rows.Value.Length);
        Assert.Equal(Enumerable.Range(1, 63), Rows.Value.Select(r => r.Id));
    }

    private static void CheckExpansion(LexCase row, WordExpansion result)
    {
        if (row.ExpectError)
        {
            Assert.False(result.Succeeded, $"expected an error, got \"{result.Value}\"");
            if (row.ErrorContains is not null)
            {
                Assert.Contains(row.ErrorContains, result.Error, StringComparison.Ordinal);
            }

            return;
        }

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(row.Expected, result.Value);
        if (row.Matched is { } matched)
        {
            Assert.Equal(matched, result.Matched.Order(StringComparer.Ordinal));
        }

        if (row.Unmatched is { } unmatched)
        {
            Assert.Equal(unmatched, result.Unmatched.Order(StringComparer.Ordinal));
        }
    }

    private static ImmutableArray<LexCase> Load()
    {
        var lines = ShellCorpusFile.ReadLines("cases.tsv");
        var header = lines[0].Split('\t');
        Assert.Equal(
            ["id", "source", "api", "input", "env", "expected", "error", "error_contains", "matched", "unmatched"],
            header);

        var rows = ImmutableArray.CreateBuilder<LexCase>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split('\t');
            if (cells.Length != header.Length)
            {
                throw new InvalidDataException($"cases.tsv: {cells.Length} cells in: {line}");
            }

            rows.Add(new LexCase(
                int.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture),
                cells[2],
                JsonSerializer.Deserialize<string>(cells[3]) ?? throw new InvalidDataException("null input"),
                ParseEnvironment(cells[4]),
                JsonSerializer.Deserialize<string?>(cells[5]),
                cells[6] switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw new InvalidDataException("error column: " + cells[6]),
                },
                cells[7].Length == 0 ? null : JsonSerializer.Deserialize<string>(cells[7]),
                ParseNameSet(cells[8]),
                ParseNameSet(cells[9])));
        }

        return rows.ToImmutable();
    }

    private static ImmutableDictionary<string, string> ParseEnvironment(string cell)
    {
        using var document = JsonDocument.Parse(cell);
        return document.RootElement.ValueKind switch
        {
            JsonValueKind.Object => document.RootElement.EnumerateObject()
                .ToImmutableDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal),
            JsonValueKind.Array => EnvironmentEntries.Parse(
                document.RootElement.EnumerateArray().Select(e => e.GetString() ?? string.Empty)),
            _ => throw new InvalidDataException("env cell: " + cell),
        };
    }

    private static string[]? ParseNameSet(string cell) =>
        cell == "-" ? null : JsonSerializer.Deserialize<string[]>(cell) ?? throw new InvalidDataException("null set");

    private sealed record LexCase(
        int Id,
        string Api,
        string Input,
        ImmutableDictionary<string, string> Environment,
        string? Expected,
        bool ExpectError,
        string? ErrorContains,
        string[]? Matched,
        string[]? Unmatched);
}
