using System.Collections.Immutable;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Conformance.Shell;

/// <summary>
/// <c>buildkit-shell/wordsTest</c> through <see cref="ShellWordExpander.ExpandWords"/>, normal mode only
/// (BuildKit's second, RawQuotes+SkipUnsetEnv pass never actually runs upstream; see the corpus README).
/// <c>ENV</c> lines accumulate the environment for the lines after them.
/// </summary>
public sealed class WordsTestCorpusTests
{
    private static readonly Lazy<ImmutableArray<WordsLine>> Lines = new(Load);

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        foreach (var line in Lines.Value)
        {
            data.Add(line.Number, line.Input);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Line_splits_into_words_as_in_BuildKit(int lineNumber, string input)
    {
        var line = Lines.Value.Single(l => l.Number == lineNumber);
        Assert.Equal(input, line.Input);

        var result = new ShellWordExpander().ExpandWords(line.Input, EnvironmentEntries.Parse(line.Environment));

        if (line.Expected is ["error"])
        {
            Assert.False(result.Succeeded, $"expected an error, got [{string.Join(",", result.Values)}]");
            Assert.Empty(result.Values);
        }
        else
        {
            Assert.True(result.Succeeded, result.Error);
            Assert.Equal(line.Expected, result.Values.ToArray());
        }
    }

    [Fact]
    public void Corpus_has_24_cases_and_4_environment_lines()
    {
        Assert.Equal(24, Lines.Value.Length);
        Assert.Equal(4, Lines.Value[^1].Environment.Length);
        Assert.Contains("trailing=ab c   ", Lines.Value[^1].Environment);
    }

    private static ImmutableArray<WordsLine> Load()
    {
        var raw = ShellCorpusFile.ReadLines("wordsTest");
        var environment = ImmutableArray<string>.Empty;
        var lines = ImmutableArray.CreateBuilder<WordsLine>();
        for (var i = 0; i < raw.Length; i++)
        {
            var line = raw[i];
            if (line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("ENV ", StringComparison.Ordinal))
            {
                // Trailing spaces are part of the value (`ENV trailing=ab c   `).
                environment = environment.Add(line[3..].TrimStart(' '));
                continue;
            }

            var fields = line.Split('|');
            if (fields.Length != 2)
            {
                throw new InvalidDataException($"wordsTest line {i + 1}: expected exactly one '|'");
            }

            lines.Add(new WordsLine(i + 1, fields[0].Trim(), fields[1].TrimStart(' ').Split(','), environment));
        }

        return lines.ToImmutable();
    }

    private sealed record WordsLine(int Number, string Input, string[] Expected, ImmutableArray<string> Environment);
}
