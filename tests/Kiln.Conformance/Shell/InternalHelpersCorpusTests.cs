using System.Collections.Immutable;
using System.Text.Json;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Conformance.Shell;

/// <summary>
/// <c>buildkit-shell/internal-helpers.tsv</c>. Kiln matches globs itself instead of building a Go
/// regexp, but it keeps BuildKit's pattern compile step and its pattern/value reversal for
/// <c>%</c>, so these pin that the compiled pattern renders to the very regexp BuildKit builds
/// and that the reversal helpers agree.
/// </summary>
public sealed class InternalHelpersCorpusTests
{
    private static readonly Lazy<ImmutableArray<HelperCase>> Rows = new(Load);

    public static TheoryData<int, string, string> Cases()
    {
        var data = new TheoryData<int, string, string>();
        foreach (var row in Rows.Value)
        {
            data.Add(row.Row, row.Function, row.Input);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Helper_row_agrees_with_BuildKit(int row, string function, string input)
    {
        var helper = Rows.Value.Single(r => r.Row == row);
        Assert.Equal(function, helper.Function);
        Assert.Equal(input, helper.Input);

        switch (helper.Function)
        {
            case "convertShellPatternToRegex(greedy=true,anchored=true)":
                var compiled = ShellPattern.TryCompile(helper.Input, out var pattern, out var error);
                if (helper.Expected is null)
                {
                    Assert.False(compiled, "expected an invalid pattern");
                    Assert.Contains("invalid escape", error.Message, StringComparison.Ordinal);
                }
                else
                {
                    Assert.True(compiled, error.Message);
                    Assert.Equal(helper.Expected, pattern!.ToGoRegex(greedy: true, anchored: true));
                }

                break;
            case "reversePattern":
                Assert.Equal(helper.Expected, ShellPattern.ReversePattern(helper.Input));
                break;
            case "reverseString":
                Assert.Equal(helper.Expected, ShellPattern.ReverseText(helper.Input));
                break;
            default:
                Assert.Fail($"unknown helper '{helper.Function}'");
                break;
        }
    }

    [Fact]
    public void Corpus_has_14_rows()
    {
        Assert.Equal(14, Rows.Value.Length);
    }

    private static ImmutableArray<HelperCase> Load()
    {
        var lines = ShellCorpusFile.ReadLines("internal-helpers.tsv");
        Assert.Equal(["function", "input", "expected"], lines[0].Split('\t'));
        var rows = ImmutableArray.CreateBuilder<HelperCase>();
        for (var i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split('\t');
            if (cells.Length != 3)
            {
                throw new InvalidDataException($"internal-helpers.tsv line {i + 1}: {cells.Length} cells");
            }

            rows.Add(new HelperCase(
                i,
                cells[0],
                JsonSerializer.Deserialize<string>(cells[1]) ?? throw new InvalidDataException("null input"),
                cells[2] == "error" ? null : JsonSerializer.Deserialize<string>(cells[2])));
        }

        return rows.ToImmutable();
    }

    private sealed record HelperCase(int Row, string Function, string Input, string? Expected);
}
