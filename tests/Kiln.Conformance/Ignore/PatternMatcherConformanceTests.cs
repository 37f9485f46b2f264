using Kiln.Dockerfile.Ignore;

namespace Kiln.Conformance.Ignore;

/// <summary>
/// moby/patternmatcher's tables (README 3.1). Every row runs through <c>MatchesOrParentMatches</c>; rows of the
/// package-level <c>Matches</c> API first clean the path and answer false for ".", as upstream's wrapper does.
/// Rows marked <c>unix</c> only exist because Windows treats "\" as a separator; Kiln targets Linux and runs them.
/// </summary>
public sealed class PatternMatcherConformanceTests
{
    public static TheoryData<int, string> Rows()
    {
        var data = new TheoryData<int, string>();
        foreach (var row in PatternMatcherCorpus.Cases.Values.OrderBy(r => r.Id))
        {
            data.Add(row.Id, row.ToString());
        }

        return data;
    }

    [Fact]
    public void Corpus_has_all_137_rows_on_known_platforms_and_apis()
    {
        Assert.Equal(137, PatternMatcherCorpus.Cases.Count);
        Assert.All(PatternMatcherCorpus.Cases.Values, row =>
        {
            Assert.Contains(row.Platform, new[] { "all", "unix" });
            Assert.Contains(row.Api, new[] { "Matches", "MatchesOrParentMatches" });
            Assert.Contains(row.Expected, new[] { "true", "false", "error" });
        });
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Matches_or_parent_matches_agrees_with_upstream(int id, string description)
    {
        var row = PatternMatcherCorpus.Cases[id];
        Assert.Equal(row.ToString(), description);

        var result = PatternMatcher.Create(row.Patterns);
        if (row.Expected == "error")
        {
            Assert.False(result.Succeeded, "the patterns should have been rejected");
            Assert.StartsWith("DF5", result.Error.Code, StringComparison.Ordinal);
            Assert.Contains(result.Error.Pattern, row.Patterns);
            return;
        }

        Assert.True(result.Succeeded, result.Error?.Message);
        var expected = row.Expected == "true";
        Assert.Equal(expected, Evaluate(row, result.Matcher, incremental: false));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Incremental_walk_agrees_with_matches_or_parent_matches(int id, string description)
    {
        var row = PatternMatcherCorpus.Cases[id];
        Assert.Equal(row.ToString(), description);
        var result = PatternMatcher.Create(row.Patterns);
        if (!result.Succeeded)
        {
            Assert.Equal("error", row.Expected);
            return;
        }

        Assert.Equal(Evaluate(row, result.Matcher, incremental: false), Evaluate(row, result.Matcher, incremental: true));
        Assert.Equal(row.Expected == "true", Evaluate(row, result.Matcher, incremental: true));
    }

    private static bool Evaluate(PatternMatcherCase row, PatternMatcher matcher, bool incremental)
    {
        var path = row.Path;
        if (row.Api == "Matches")
        {
            // Upstream's package-level Matches cleans the path and refuses to exclude the context itself.
            path = GoPath.Clean(path);
            if (path == ".")
            {
                return false;
            }
        }

        return incremental ? Walk(matcher, path) : matcher.MatchesOrParentMatches(path);
    }

    /// <summary>Matches every prefix of the path in turn, passing each result to the next, like a tree walk.</summary>
    private static bool Walk(PatternMatcher matcher, string path)
    {
        var info = default(PatternMatchInfo);
        var parts = path.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            info = matcher.MatchesUsingParentResults(string.Join('/', parts[..(i + 1)]), info);
        }

        return info.IsMatched;
    }
}
