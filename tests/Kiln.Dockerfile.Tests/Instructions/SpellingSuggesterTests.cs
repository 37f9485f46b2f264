using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class SpellingSuggesterTests
{
    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "abc", 0)]
    [InlineData("from", "form", 2)]
    public void Distance_is_the_Levenshtein_distance(string a, string b, int expected) =>
        Assert.Equal(expected, SpellingSuggester.Distance(a, b));

    [Fact]
    public void Suggests_only_within_distance_two() =>
        Assert.Null(SpellingSuggester.Suggest("abcdef", ["abcxyz"]));

    [Fact]
    public void An_exact_match_suggests_nothing() =>
        Assert.Null(SpellingSuggester.Suggest("cache", ["bind", "cache"]));

    [Fact]
    public void The_first_of_equally_close_options_wins() =>
        Assert.Equal("bind", SpellingSuggester.Suggest("bin", ["bind", "bins"]));

    [Fact]
    public void Case_insensitive_suggestion_follows_the_value_case() =>
        Assert.Equal("RUN", SpellingSuggester.Suggest("RUM", ["run", "cmd"], caseSensitive: false));

    [Fact]
    public void With_suggestion_appends_a_did_you_mean_hint() =>
        Assert.Equal("bad (did you mean --link?)", SpellingSuggester.WithSuggestion("bad", "lnk", ["link"], prefix: "--"));
}
