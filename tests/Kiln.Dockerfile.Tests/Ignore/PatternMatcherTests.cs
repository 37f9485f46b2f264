using Kiln.Dockerfile.Ignore;

namespace Kiln.Dockerfile.Tests.Ignore;

public sealed class PatternMatcherTests
{
    private static PatternMatcher Matcher(params string[] patterns)
    {
        var result = PatternMatcher.Create(patterns);
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Matcher;
    }

    [Fact]
    public void Patterns_are_trimmed_cleaned_and_split_from_their_exclamation()
    {
        var matcher = Matcher(" docs/ ", "", "   ", "!docs/README.md", "**/", "!a/../b");

        Assert.Equal<IgnorePattern>(
            [new IgnorePattern("docs", false), new IgnorePattern("docs/README.md", true), new IgnorePattern("**", false), new IgnorePattern("b", false)],
            matcher.Patterns);
        Assert.Equal("!docs/README.md", matcher.Patterns[1].ToString());
    }

    [Fact]
    public void Text_after_the_exclamation_is_not_trimmed_again()
    {
        // patternmatcher.New trims before splitting off "!"; ignorefile.ReadAll is what trims after it.
        var matcher = Matcher("a", "! a");

        Assert.Equal(new IgnorePattern(" a", true), matcher.Patterns[1]);
        Assert.True(matcher.MatchesOrParentMatches("a"));
        Assert.False(matcher.MatchesOrParentMatches(" a"));
    }

    [Fact]
    public void Has_exclusions_reports_any_exclamation_pattern()
    {
        Assert.False(Matcher("a", "b/**").HasExclusions);
        Assert.True(Matcher("a", "!a/keep").HasExclusions);
        Assert.False(Matcher().HasExclusions);
    }

    [Fact]
    public void No_patterns_match_nothing()
    {
        var matcher = Matcher();

        Assert.Empty(matcher.Patterns);
        Assert.False(matcher.MatchesOrParentMatches("a/b"));
    }

    [Fact]
    public void Later_patterns_override_earlier_ones()
    {
        var matcher = Matcher("*.md", "!README.md", "README.md");

        Assert.True(matcher.MatchesOrParentMatches("CHANGES.md"));
        Assert.True(matcher.MatchesOrParentMatches("README.md"));
        Assert.False(Matcher("*.md", "!README.md").MatchesOrParentMatches("README.md"));
        Assert.True(Matcher("!README.md", "*.md").MatchesOrParentMatches("README.md"));
    }

    [Fact]
    public void A_pattern_matching_a_parent_directory_matches_everything_below_it()
    {
        var matcher = Matcher("node_modules", "build/out");

        Assert.True(matcher.MatchesOrParentMatches("node_modules"));
        Assert.True(matcher.MatchesOrParentMatches("node_modules/x/y.js"));
        Assert.True(matcher.MatchesOrParentMatches("build/out/bin/app"));
        Assert.False(matcher.MatchesOrParentMatches("build/output"));
        Assert.False(matcher.MatchesOrParentMatches("src/node_modules/x"));
    }

    [Fact]
    public void Exclusion_can_re_include_a_file_inside_an_excluded_directory()
    {
        var matcher = Matcher("docs", "!docs/README.md");

        Assert.True(matcher.MatchesOrParentMatches("docs"));
        Assert.True(matcher.MatchesOrParentMatches("docs/other.md"));
        Assert.False(matcher.MatchesOrParentMatches("docs/README.md"));
    }

    [Fact]
    public void Paths_are_used_as_given_and_only_their_parents_are_cleaned()
    {
        var matcher = Matcher("a/b");

        // "a/b/" is not "a/b", but its parent (Dir cleans) is.
        Assert.True(matcher.MatchesOrParentMatches("a/b/"));
        Assert.False(matcher.MatchesOrParentMatches("./a/b"));
        Assert.True(matcher.MatchesOrParentMatches("./a/b/c"));
    }

    [Fact]
    public void A_pattern_of_dot_never_matches_a_relative_path()
    {
        // "." is only ever a parent of top-level entries, and upstream never tests that parent.
        var matcher = Matcher("./");

        Assert.Equal(".", matcher.Patterns[0].Text);
        Assert.False(matcher.MatchesOrParentMatches("file"));
        Assert.False(matcher.MatchesOrParentMatches("dir/file"));
        Assert.False(matcher.MatchesUsingParentResults("file", default).IsMatched);
    }

    [Fact]
    public void Incremental_walk_agrees_where_upstreams_version_does_not()
    {
        // Upstream's MatchesUsingParentResults records the third pattern as "not matched" for "x" (it was
        // skipped there because "x" was already matched), so for "x/y" it forgets that "x" matches it.
        var matcher = Matcher("x", "!x/y", "x");
        var x = matcher.MatchesUsingParentResults("x", default);
        var xy = matcher.MatchesUsingParentResults("x/y", x);

        Assert.True(matcher.MatchesOrParentMatches("x/y"));
        Assert.True(xy.IsMatched);
        Assert.True(x.PatternMatched(2));
        Assert.True(xy.PatternMatched(1));
    }

    [Fact]
    public void Incremental_walk_without_parent_results_checks_the_ancestors_itself()
    {
        var matcher = Matcher("a/b", "!a/b/keep");

        var info = matcher.MatchesUsingParentResults("a/b/c/d", default);

        Assert.True(info.IsMatched);
        Assert.True(info.HasParentResults);
        Assert.True(info.PatternMatched(0));
        Assert.False(info.PatternMatched(1));
        Assert.False(default(PatternMatchInfo).HasParentResults);
    }

    [Fact]
    public void Incremental_walk_rejects_info_from_another_matcher()
    {
        var info = Matcher("a").MatchesUsingParentResults("a", default);

        Assert.Throws<ArgumentException>(() => Matcher("a").MatchesUsingParentResults("a/b", info));
    }

    [Fact]
    public void More_than_64_patterns_are_tracked_in_the_incremental_walk()
    {
        var patterns = Enumerable.Range(0, 150).Select(i => $"d{i}").Append("!d149/keep").Append("d149/keep/x").ToArray();
        var matcher = Matcher(patterns);

        var dir = matcher.MatchesUsingParentResults("d149", default);
        var keep = matcher.MatchesUsingParentResults("d149/keep", dir);
        var x = matcher.MatchesUsingParentResults("d149/keep/x", keep);
        var y = matcher.MatchesUsingParentResults("d149/keep/y", keep);

        Assert.True(dir.IsMatched);
        Assert.True(dir.PatternMatched(149));
        Assert.False(dir.PatternMatched(148));
        Assert.False(keep.IsMatched);
        Assert.True(keep.PatternMatched(150));
        Assert.True(x.IsMatched);
        Assert.False(y.IsMatched);
        Assert.Equal(matcher.MatchesOrParentMatches("d149/keep/x"), x.IsMatched);
        Assert.Equal(matcher.MatchesOrParentMatches("d149/keep/y"), y.IsMatched);
    }

    [Fact]
    public void Match_info_compares_by_value()
    {
        var matcher = Matcher("a", "b");

        Assert.Equal(matcher.MatchesUsingParentResults("a", default), matcher.MatchesUsingParentResults("a", default));
        Assert.NotEqual(matcher.MatchesUsingParentResults("a", default), matcher.MatchesUsingParentResults("b", default));
        Assert.True(default(PatternMatchInfo) == default);
    }

    [Fact]
    public void A_long_glob_pattern_beyond_the_stack_buffer_still_matches()
    {
        var pattern = string.Concat(Enumerable.Repeat("a?", 50)) + "*";
        var path = string.Concat(Enumerable.Repeat("ab", 50)) + "tail";

        Assert.True(Matcher(pattern).MatchesOrParentMatches(path));
        Assert.False(Matcher(pattern).MatchesOrParentMatches(path[1..]));
    }

    [Fact]
    public void Pathological_star_patterns_match_in_linear_time()
    {
        // A backtracking matcher needs exponential time here; the state-set simulation does not.
        var matcher = Matcher(string.Concat(Enumerable.Repeat("*a", 30)) + "b");
        var path = new string('a', 5000);

        Assert.False(matcher.MatchesOrParentMatches(path));
        Assert.True(matcher.MatchesOrParentMatches(path + "b"));
    }
}
