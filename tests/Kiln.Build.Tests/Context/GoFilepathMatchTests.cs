using Kiln.Build.Context;

namespace Kiln.Build.Tests.Context;

/// <summary>Cases from Go's path/filepath match_test.go semantics (written from the spec, checked by hand).</summary>
public sealed class GoFilepathMatchTests
{
    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("*", "abc", true)]
    [InlineData("*c", "abc", true)]
    [InlineData("a*", "a", true)]
    [InlineData("a*", "ab/c", false)]
    [InlineData("a*/b", "abc/b", true)]
    [InlineData("a*/b", "a/c/b", false)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxe/f", true)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false)]
    [InlineData("ab[c]", "abc", true)]
    [InlineData("ab[b-d]", "abc", true)]
    [InlineData("ab[e-g]", "abc", false)]
    [InlineData("ab[^c]", "abc", false)]
    [InlineData("ab[^b-d]", "abe", true)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "ab", false)]
    [InlineData("a?b", "a☺b", true)]
    [InlineData("a?b", "a/b", false)]
    [InlineData("[\\-]", "-", true)]
    [InlineData("[x\\-]", "z", false)]
    [InlineData("[]a]", "]", false)]
    [InlineData("[-]", "-", false)]
    [InlineData("[a-", "a", false)]
    [InlineData("a[", "a", false)]
    [InlineData("*x", "xxx", true)]
    public void Matches_like_go(string pattern, string name, bool expected) =>
        Assert.Equal(expected, GoFilepathMatch.IsMatch(pattern, name));

    [Theory]
    [InlineData("a*", true)]
    [InlineData("a\\*", false)]
    [InlineData("[ab]", true)]
    [InlineData("plain.txt", false)]
    public void Detects_unescaped_wildcards(string text, bool expected) =>
        Assert.Equal(expected, GoFilepathMatch.ContainsWildcards(text));
}
