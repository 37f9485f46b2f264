using System.Text.Json;
using Kiln.Dockerfile.Ignore;

namespace Kiln.Conformance.Ignore;

/// <summary>
/// <c>patternmatcher/compile.tsv</c>, the optional corpus: Kiln does not build upstream's regexps, so only the
/// <c>match_type</c> column is checked. It matters because the exact/prefix/suffix fast paths are observable
/// (<c>**file</c> is a suffix test and so matches <c>myfile</c>).
/// </summary>
public sealed class PatternCompileConformanceTests
{
    public static TheoryData<string, string> Rows()
    {
        var data = new TheoryData<string, string>();
        foreach (var cells in PatternMatcherCorpus.ReadTsv("compile.tsv"))
        {
            data.Add(JsonSerializer.Deserialize<string>(cells[0]) ?? throw new InvalidDataException(cells[0]), cells[1]);
        }

        return data;
    }

    [Fact]
    public void Corpus_has_21_rows()
    {
        Assert.Equal(21, Rows().Count);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Pattern_is_classified_like_upstream(string pattern, string upstreamMatchType)
    {
        var expected = upstreamMatchType switch
        {
            "exactMatch" => MatchKind.Exact,
            "prefixMatch" => MatchKind.Prefix,
            "suffixMatch" => MatchKind.Suffix,
            "regexpMatch" => MatchKind.Glob,
            _ => throw new InvalidDataException(upstreamMatchType),
        };

        var compiled = CompiledPattern.Compile(pattern, out var reason);

        Assert.NotNull(compiled);
        Assert.Equal(string.Empty, reason);
        Assert.Equal(expected, compiled.Kind);
    }
}
