using System.Text;
using System.Text.RegularExpressions;
using Kiln.Dockerfile.Ignore;

namespace Kiln.Dockerfile.Tests.Ignore;

/// <summary>
/// Cross-checks the hand-written glob automaton against .NET's regex engine on random patterns and paths:
/// the compiled tokens are translated to an anchored regex (the shape upstream builds for Go's engine) and
/// both must agree on every path.
/// </summary>
public sealed class GlobDifferentialTests
{
    private static readonly string[] PatternPieces = ["a", "b", "/", "*", "**", "**/", "?", "[ab]", "[^a]", "[a-c]", "\\*", ".", "+"];

    private static readonly string[] PathPieces = ["a", "b", "c", "/", "*", ".", "+", "ab"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Automaton_agrees_with_an_equivalent_regex(int seed)
    {
        var random = new Random(seed);
        var checkedGlobs = 0;
        for (var n = 0; n < 300; n++)
        {
            var pattern = string.Concat(Enumerable.Range(0, random.Next(1, 7)).Select(_ => PatternPieces[random.Next(PatternPieces.Length)]));
            var compiled = CompiledPattern.Compile(pattern, out var reason);
            Assert.True(compiled is not null, $"{pattern}: {reason}");
            if (compiled.Kind != MatchKind.Glob)
            {
                continue;
            }

            checkedGlobs++;
            var regex = new Regex(ToRegex(compiled), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(5));
            for (var m = 0; m < 40; m++)
            {
                var path = string.Concat(Enumerable.Range(0, random.Next(0, 8)).Select(_ => PathPieces[random.Next(PathPieces.Length)]));
                Assert.True(regex.IsMatch(path) == compiled.Matches(path), $"pattern {pattern} (regex {regex}) on {path}");
            }
        }

        Assert.True(checkedGlobs > 50);
    }

    private static string ToRegex(CompiledPattern compiled)
    {
        var regex = new StringBuilder("^");
        foreach (var token in compiled.Tokens)
        {
            regex.Append(token.Kind switch
            {
                GlobTokenKind.Literal => Regex.Escape(char.ConvertFromUtf32(token.Rune)),
                GlobTokenKind.AnyRune => "[^/]",
                GlobTokenKind.Star => "[^/]*",
                GlobTokenKind.DirStar => "(?:.*/)?",
                GlobTokenKind.AnyStar => ".*",
                GlobTokenKind.Class => ClassRegex(token.Class!),
                _ => throw new InvalidOperationException(token.Kind.ToString()),
            });
        }

        return regex.Append('$').ToString();
    }

    /// <summary>The test alphabet only uses ASCII classes, so probing the class is enough to rebuild it.</summary>
    private static string ClassRegex(CharClass charClass)
    {
        var members = Enumerable.Range(0x20, 0x5F).Where(c => charClass.Contains(c)).Select(c => Regex.Escape(((char)c).ToString()).Replace("]", "\\]", StringComparison.Ordinal).Replace("-", "\\-", StringComparison.Ordinal));
        var body = string.Concat(members);
        return body.Length == 0 ? "(?!)" : "[" + body + "]";
    }
}
