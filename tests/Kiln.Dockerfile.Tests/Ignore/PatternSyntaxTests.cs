using Kiln.Dockerfile.Ignore;

namespace Kiln.Dockerfile.Tests.Ignore;

/// <summary>Each pattern form on its own, through the public matcher (one pattern, no exclusions).</summary>
public sealed class PatternSyntaxTests
{
    public static TheoryData<string, string, bool> Forms() => new()
    {
        // Exact: no wildcard, so regexp metacharacters are plain text.
        { "abc.def", "abc.def", true },
        { "abc.def", "abcXdef", false },
        { "a.|)$(}+{bc", "a.|)$(}+{bc", true },
        { "a+", "aa", false },

        // "*": any run without "/", possibly empty.
        { "*.go", "main.go", true },
        { "*.go", ".go", true },
        { "a*", "a", true },
        { "a*b", "a/b", false },
        { "*", "dir/file", true }, // via the parent "dir"
        { "dir/*", "dir", false },
        { "dir/*", "dir/x", true },

        // "?": exactly one rune, never "/"; a surrogate pair is one rune.
        { "a?c", "abc", true },
        { "a?c", "ac", false },
        { "a?c", "a/c", false },
        { "a?b", "a☺b", true },
        { "a?b", "a😀b", true },
        { "a??b", "a😀b", false },

        // "**" in the middle: zero or more whole directories.
        { "a/**/b", "a/b", true },
        { "a/**/b", "a/x/y/b", true },
        { "a/**/b", "a/xb", false },
        { "a/**/*.txt", "a/x/y/z.txt", true },

        // "**" glued to text in the middle still means "(any dirs/)?": a**b does not match "axb".
        { "a**b", "ab", true },
        { "a**b", "ax/b", true },
        { "a**b", "axb", false },

        // "**" at the end after a wildcard: anything.
        { "a*/**", "ab/c/d", true },
        { "a*/**", "ab", false },

        // Prefix fast path: "abc/**" is a prefix test, so it does not match "abc" itself; "abc**" is a plain prefix.
        { "abc/**", "abc", false },
        { "abc/**", "abc/", true },
        { "abc/**", "abc/d/e", true },
        { "abc**", "abcdef", true },
        { "abc**", "abc", true },

        // Suffix fast path: "**foo" is a plain suffix test; "**/foo" also matches "foo" itself.
        { "**foo", "xfoo", true },
        { "**foo", "dir/myfoo", true },
        { "**/foo", "xfoo", false },
        { "**/foo", "foo", true },
        { "**/foo", "a/b/foo", true },
        { "**", "anything/at/all", true },

        // "**" first but a wildcard later: the general glob, where "(any dirs/)?" needs a "/".
        { "**foo*", "xfoo", false },
        { "**foo*", "x/foo1", true },

        // Classes: ranges, negation, escapes, runes, and (like Go) a class may match "/".
        { "a[b-d]e", "ace", true },
        { "a[b-d]e", "aee", false },
        { "a[^b-d]e", "aze", true },
        { "a[^b-d]e", "ace", false },
        { "[a-ζ]", "α", true },
        { "[\\]a]", "]", true },
        { "[x\\-]", "-", true },
        { "[z-a]", "m", false },
        { "a[^x]b", "a/b", true },
        { "[!a]", "!", true },
        { "[[]", "[", true },
        { "[😀]", "😀", true },

        // Escapes: "\" makes the next character literal (on Linux it is never a separator).
        { "a\\*b", "a*b", true },
        { "a\\*b", "axb", false },
        { "a\\?", "a?", true },
        { "a\\\\", "a\\", true },
        { "\\[x]", "[x]", true },

        // A stray "]" is literal.
        { "a]", "a]", true },
        { "**a]", "xa]", false },
        { "**/a]", "x/a]", true },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Pattern_form_matches_as_upstream_does(string pattern, string path, bool expected)
    {
        var result = PatternMatcher.Create([pattern]);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(expected, result.Matcher.MatchesOrParentMatches(path));
    }

    public static TheoryData<string, string> Kinds() => new()
    {
        { "abc", "Exact" },
        { "a(b)c/d.e", "Exact" },
        { "dir/**", "Prefix" },
        { "abc**", "Prefix" },
        { "**", "Suffix" },
        { "**/foo", "Suffix" },
        { "**foo.txt", "Suffix" },
        { "**/foo/**", "Glob" },
        { "**/**", "Glob" },
        { "**/*.go", "Glob" },
        { "**/a]", "Glob" },
        { "**/a\\b", "Glob" },
        { "a]", "Glob" },
        { "a\\b", "Glob" },
        { "a**b", "Glob" },
        { "[ab]", "Glob" },
        { "?", "Glob" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Pattern_takes_upstreams_fast_path(string pattern, string kind)
    {
        var compiled = CompiledPattern.Compile(pattern, out _);

        Assert.NotNull(compiled);
        Assert.Equal(Enum.Parse<MatchKind>(kind), compiled.Kind);
    }

    public static TheoryData<string, string> BadPatterns() => new()
    {
        { "[", "character class is not closed" },
        { "a[", "character class is not closed" },
        { "[^", "character class is not closed" },
        { "[^bc", "character class is not closed" },
        { "[a", "character class is not closed" },
        { "[a\\", "character class is not closed" },
        { "[a-", "character class is not closed" },
        { "[]a]", "misplaced ']'" },
        { "[^]", "misplaced ']'" },
        { "[x-]", "misplaced ']'" },
        { "[-]", "misplaced '-'" },
        { "[-x]", "misplaced '-'" },
        { "[a-b-c]", "misplaced '-'" },
        { "[a--]", "misplaced '-'" },
        { "\\", "unescaped '\\'" },
        { "abc\\", "unescaped '\\'" },

        // Go checks the syntax of the whole pattern, even after a part that could never match.
        { "x/[", "character class is not closed" },
        { "*x*[", "character class is not closed" },
    };

    [Theory]
    [MemberData(nameof(BadPatterns))]
    public void Bad_pattern_is_rejected_with_df5002_naming_it(string pattern, string reason)
    {
        var result = PatternMatcher.Create(["ok", pattern]);

        Assert.False(result.Succeeded);
        Assert.Equal("DF5002", result.Error.Code);
        Assert.Equal(pattern, result.Error.Pattern);
        Assert.Equal(1, result.Error.Index);
        Assert.Contains($"\"{pattern}\"", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lone_surrogate_in_a_class_is_rejected_like_invalid_utf8_in_go()
    {
        // Built in code: xunit would turn a lone surrogate in theory data into U+FFFD.
        var pattern = "*/[" + '\ud800' + "]";

        var result = PatternMatcher.Create([pattern]);

        Assert.False(result.Succeeded);
        Assert.Equal("DF5002", result.Error.Code);
        Assert.Contains("invalid character", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lone_surrogates_outside_classes_compare_as_themselves()
    {
        // Built in code for the same reason as above.
        var high = "\ud800";
        var low = "\udc00";
        var result = PatternMatcher.Create(["?" + high, high + "*" + low]);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.True(result.Matcher.MatchesOrParentMatches("a" + high));
        Assert.True(result.Matcher.MatchesOrParentMatches(high + "x" + low));
        Assert.False(result.Matcher.MatchesOrParentMatches("a" + low));
        Assert.False(result.Matcher.MatchesOrParentMatches(high + low)); // one rune, not the two halves
    }

    [Theory]
    [InlineData("!")]
    [InlineData(" ! ")]
    [InlineData("!/")]
    [InlineData("!//")]
    public void Lone_exclamation_is_rejected_with_df5001(string pattern)
    {
        var result = PatternMatcher.Create([pattern]);

        Assert.False(result.Succeeded);
        Assert.Equal("DF5001", result.Error.Code);
        Assert.Equal(pattern, result.Error.Pattern);
        Assert.Equal(0, result.Error.Index);
        var diagnostic = result.Error.ToDiagnostic(Text.SourceSpan.Lines(3, 3));
        Assert.True(diagnostic.IsError);
        Assert.Equal("DF5001", diagnostic.Code);
        Assert.Equal(3, diagnostic.Span.StartLine);
    }

    [Theory]
    [InlineData("[z-a]")]
    [InlineData("[\\-]")]
    [InlineData("[\\]]")]
    [InlineData("a\\*b")]
    [InlineData("\\\\")]
    [InlineData("]")]
    [InlineData("[!]")]
    [InlineData("[^^]")]
    public void Unusual_but_valid_pattern_is_accepted(string pattern)
    {
        Assert.True(PatternMatcher.Create([pattern]).Succeeded);
    }
}
