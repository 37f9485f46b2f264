using Kiln.Dockerfile.Ignore;

namespace Kiln.Dockerfile.Tests.Ignore;

/// <summary>
/// Where Kiln deliberately differs from moby/patternmatcher. Upstream matches glob patterns by pasting the
/// pattern's characters into a Go regexp, so a few inputs get regexp meaning instead of <c>filepath.Match</c>
/// meaning. Kiln keeps the documented glob meaning; these tests pin that choice so any change is deliberate.
/// None of these inputs occurs in the upstream test corpus.
/// </summary>
public sealed class UpstreamDivergenceTests
{
    private static bool Matches(string pattern, string path)
    {
        var result = PatternMatcher.Create([pattern]);
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Matcher.MatchesOrParentMatches(path);
    }

    [Fact]
    public void Star_and_question_mark_inside_a_class_are_plain_characters()
    {
        // Upstream rewrites the "*" inside "[*]" to "[^/]*", producing the regexp ^[[^/]*]$.
        Assert.True(Matches("[*]", "*"));
        Assert.True(Matches("[?]", "?"));
        Assert.False(Matches("[*]", "]"));
    }

    [Fact]
    public void Backslash_before_a_letter_is_that_letter()
    {
        // Upstream emits "\d" into its regexp, where it means "a digit" (and "\b" a word boundary).
        Assert.True(Matches("a\\d*", "ad"));
        Assert.False(Matches("a\\d*", "a1"));
    }

    [Fact]
    public void Double_star_spans_newlines_in_file_names()
    {
        // Go's "." does not match "\n", so upstream's "(.*/)?" cannot cross a newline in a name.
        Assert.True(Matches("**/*.txt", "a\nb/c.txt"));
    }
}
