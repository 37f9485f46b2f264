using Kiln.Dockerfile.Ignore;

namespace Kiln.Dockerfile.Tests.Ignore;

/// <summary>
/// The tree walk (<see cref="PatternMatcher.MatchesUsingParentResults"/>) must give exactly the answer of
/// <see cref="PatternMatcher.MatchesOrParentMatches"/> for every path of generated trees and pattern lists.
/// </summary>
public sealed class IncrementalWalkTests
{
    private static readonly string[] Names = ["a", "b", "c", "x.txt", "y.go", ".foo", "dir", "keep", "node_modules"];

    private static readonly string[] PatternPool =
    [
        "a", "a/b", "b/**", "**/c", "*.txt", "**/*.go", "dir", "dir/**", "**", "*", "?", "[ab]", "[^a]*",
        "a*", "**/keep", "**keep", "*/c", "a/**/x.txt", ".*", "**/.foo", "node_modules", "**/node_modules/**",
        "!a/b", "!**/x.txt", "!dir/keep", "!keep", "!*/keep/**", "!**/c", "!a", "!**", "!b/*/y.go", "!?/?",
        "a/b/c", "c/**/*.go", "b", "!node_modules/keep", "x.txt", "*/*/*",
    ];

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 1; seed <= 40; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Walk_agrees_with_matches_or_parent_matches_on_a_generated_tree(int seed)
    {
        var random = new Random(seed);
        var patterns = Enumerable.Range(0, random.Next(1, 8)).Select(_ => PatternPool[random.Next(PatternPool.Length)]).ToArray();
        var result = PatternMatcher.Create(patterns);
        Assert.True(result.Succeeded, result.Error?.Message);
        var matcher = result.Matcher;

        var visited = 0;
        var matched = 0;
        void Visit(string? parent, PatternMatchInfo parentInfo, int depth)
        {
            foreach (var name in Names.Where(_ => random.Next(3) != 0))
            {
                var path = parent is null ? name : parent + "/" + name;
                var info = matcher.MatchesUsingParentResults(path, parentInfo);
                Assert.True(
                    matcher.MatchesOrParentMatches(path) == info.IsMatched,
                    $"[{string.Join(", ", patterns)}] {path}: walk says {info.IsMatched}");

                // Starting from no information must give the same per-pattern results as the walk.
                Assert.Equal(info, matcher.MatchesUsingParentResults(path, default));

                visited++;
                matched += info.IsMatched ? 1 : 0;
                if (depth < 4)
                {
                    Visit(path, info, depth + 1);
                }
            }
        }

        Visit(null, default, 1);

        Assert.True(visited > 0);
        Assert.InRange(matched, 0, visited);
    }
}
