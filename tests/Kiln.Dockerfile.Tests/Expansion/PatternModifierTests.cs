using Kiln.Dockerfile.Diagnostics;

namespace Kiln.Dockerfile.Tests.Expansion;

public sealed class PatternModifierTests
{
    [Theory]
    [InlineData("${P#*/}", "b/c.tar.gz")]
    [InlineData("${P##*/}", "c.tar.gz")]
    [InlineData("${P%.*}", "a/b/c.tar")]
    [InlineData("${P%%.*}", "a/b/c")]
    [InlineData("${P#a/?/}", "c.tar.gz")]
    [InlineData("${P%.gz}", "a/b/c.tar")]
    [InlineData("${P#nomatch}", "a/b/c.tar.gz")]
    [InlineData("${P#}", "a/b/c.tar.gz")]
    [InlineData("${P%%}", "a/b/c.tar.gz")]
    [InlineData("${P#*}", "a/b/c.tar.gz")]
    [InlineData("${P##*}", "")]
    [InlineData("${P%*}", "a/b/c.tar.gz")]
    [InlineData("${P%%*}", "")]
    [InlineData("${U#*}", "")]
    public void Prefix_and_suffix_removal_take_the_shortest_or_longest_match(string input, string expected)
    {
        Assert.Equal(expected, Env.Value(input, "P=a/b/c.tar.gz"));
    }

    [Theory]
    [InlineData("${X#[ab]}", "X=abc", "abc")]
    [InlineData("${X#[ab]}", "X=[ab]c", "c")]
    [InlineData("${X%(x)}", "X=a(x)", "a")]
    [InlineData("${X#.+}", "X=.+a", "a")]
    [InlineData("${X#^$}", "X=^$a", "a")]
    [InlineData("${X#\\*}", "X=*a", "a")]
    [InlineData("${X#\\?}", "X=?a", "a")]
    [InlineData("${X#\\\\}", "X=\\a", "a")]
    [InlineData("${X%\\}}", "X=a}", "a")]
    [InlineData("${X#\\/}", "X=/a", "a")]
    public void Pattern_characters_other_than_star_and_question_mark_are_literal_and_brackets_are_not_classes(string input, string env, string expected)
    {
        // BuildKit quotes [ ] { } . + ( ) | ^ $ for its regexp: there are no bracket expressions.
        Assert.Equal(expected, Env.Value(input, env));
    }

    [Fact]
    public void Question_mark_and_star_work_on_code_points_not_UTF16_units()
    {
        Assert.Equal("x", Env.Value("${X#?}", "X=🖖x"));
        Assert.Equal("x", Env.Value("${X%?}", "X=x🖖"));
        Assert.Equal("한", Env.Value("${X%?}", "X=한국"));
        Assert.Equal("🚀", Env.Value("${X##*🖖}", "X=a🖖b🖖🚀"));
    }

    [Fact]
    public void Wildcards_never_match_a_line_feed_because_Go_regexp_dot_does_not()
    {
        Assert.Equal("\ncd", Env.Value("${X##*}", "X=ab\ncd"));
        Assert.Equal("\nab", Env.Value("${X#?}", "X=\nab"));
        Assert.Equal("ab\n", Env.Value("${X%%?*}", "X=ab\ncd"));
        Assert.Equal("--\n--", Env.Value("${X//?/-}", "X=ab\nab"));
    }

    [Fact]
    public void The_pattern_is_expanded_and_unquoted_first_so_quotes_do_not_protect_wildcards()
    {
        Assert.Equal("b.c", Env.Value("${X#$P}", "X=a.b.c", "P=*."));
        Assert.Equal("b.c", Env.Value("${X#\"*.\"}", "X=a.b.c"));
        Assert.Equal("b.c", Env.Value("${X#'*.'}", "X=a.b.c"));
    }

    [Fact]
    public void A_doubled_operator_is_recognised_after_the_pattern_is_expanded()
    {
        // `${X#"#"*a}` is the greedy `${X##*a}`, exactly as in BuildKit.
        Assert.Equal("Y", Env.Value("${X#\"#\"*a}", "X=aXaY"));
        Assert.Equal("Y", Env.Value("${X#$H*a}", "X=aXaY", "H=#"));
        Assert.Equal("XaY", Env.Value("${X#*a}", "X=aXaY"));
    }

    [Theory]
    [InlineData("${X#\\a}")]
    [InlineData("${U#\\a}")]
    [InlineData("${X%\\a}")]
    [InlineData("${X/\\a/b}")]
    [InlineData("${X#$P}")]
    public void An_escape_other_than_star_question_backslash_brace_or_slash_is_an_invalid_pattern(string input)
    {
        Assert.Equal(DiagnosticCodes.ExpansionInvalidPattern, Env.ErrorCode(input, "X=abc", "P=a\\"));
        Assert.StartsWith("invalid pattern (", Env.Word(input, "X=abc", "P=a\\").Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Suffix_removal_reverses_the_pattern_keeping_escape_pairs_so_a_trailing_backslash_can_be_valid()
    {
        // BuildKit reverses `*\` to `\*` before compiling it for `%`: a literal star suffix.
        Assert.Equal("ab", Env.Value("${X%$P}", "X=ab*", "P=*\\"));
        Assert.Equal(DiagnosticCodes.ExpansionInvalidPattern, Env.ErrorCode("${X#$P}", "X=ab*", "P=*\\"));
    }

    [Theory]
    [InlineData("${X/a/b}", "baa")]
    [InlineData("${X//a/b}", "bbb")]
    [InlineData("${X/a*/Z}", "Z")]
    [InlineData("${X/nomatch/Z}", "aaa")]
    [InlineData("${X/a/}", "aa")]
    [InlineData("${X//a}", null)]
    [InlineData("${X/a}", null)]
    [InlineData("${X//}", null)]
    [InlineData("${X///}", "aaa")]
    [InlineData("${X/a/b", null)]
    [InlineData("${U/a/b}", "")]
    public void Replacement_replaces_the_first_or_every_leftmost_greedy_match(string input, string? expected)
    {
        var result = Env.Word(input, "X=aaa");
        Assert.Equal(expected, result.Value);
        if (expected is null)
        {
            Assert.Equal(DiagnosticCodes.ExpansionUnterminatedSubstitution, result.ErrorCode);
        }
    }

    [Theory]
    [InlineData("${X//\\//-}", "X=/a/b", "-a-b")]
    [InlineData("${X//\\//\\/}", "X=/a", "\\/a")]
    [InlineData("${X//a/\\-}", "X=bab", "b\\-b")]
    [InlineData("${X/$E/-}", "X=ab", "-ab")]
    [InlineData("${X//$E/-}", "X=ab", "-a-b-")]
    [InlineData("${X//b*/-}", "X=abcabc", "a-")]
    [InlineData("${X//?/-}", "X=🖖é", "--")]
    [InlineData("${X//$N/$R}", "X=/a/foo/b/c.txt", "/foo/c.txt")]
    public void Replacement_patterns_keep_escapes_and_empty_patterns_match_between_every_rune(string input, string env, string expected)
    {
        Assert.Equal(expected, Env.Value(input, env, "E=", "N=/?/", "R=/"));
    }

    [Theory]
    [InlineData("${X//a/'<$0>'}", "b<a>b")]
    [InlineData("${X//a/'<${0}>'}", "b<a>b")]
    [InlineData("${X//a/'<$$>'}", "b<$>b")]
    [InlineData("${X//a/'<$1>'}", "b<>b")]
    [InlineData("${X//a/'<$0x>'}", "b<>b")]
    [InlineData("${X//a/'<$>'}", "b<$>b")]
    [InlineData("${X//a/'<${0>'}", "b<${0>b")]
    [InlineData("${X//a/\\$0}", "b\\ab")]
    [InlineData("${X/a/'<$0>'}", "b<$0>b")]
    public void Replace_all_expands_Go_template_references_in_the_replacement_but_replace_first_does_not(string input, string expected)
    {
        Assert.Equal(expected, Env.Value(input, "X=bab"));
    }

    [Fact]
    public void Unset_variables_in_pattern_operations_are_still_looked_up_and_recorded()
    {
        var result = Env.Word("${X/$N/$R}", "X=http://a", "N=http://", "R=https://");
        Assert.Equal("https://a", result.Value);
        Assert.Equal(["N", "R", "X"], result.Matched.Order(StringComparer.Ordinal));

        var unset = Env.Word("${U///}");
        Assert.Equal(string.Empty, unset.Value);
        Assert.Equal(["U"], unset.Unmatched);
    }
}
