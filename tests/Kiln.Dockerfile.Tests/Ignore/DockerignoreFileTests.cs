using Kiln.Dockerfile.Ignore;

namespace Kiln.Dockerfile.Tests.Ignore;

public sealed class DockerignoreFileTests
{
    [Fact]
    public void Empty_and_null_text_yield_no_patterns()
    {
        Assert.Empty(DockerignoreFile.Parse(null));
        Assert.Empty(DockerignoreFile.Parse(string.Empty));
        Assert.Empty(DockerignoreFile.Parse("\n\n  \t\n"));
    }

    [Fact]
    public void Comment_is_only_a_hash_in_the_first_column()
    {
        Assert.Equal<string>(["# not a comment"], DockerignoreFile.Parse("# a comment\n  # not a comment\n#another"));
    }

    [Fact]
    public void Byte_order_mark_is_stripped_from_the_first_line_only()
    {
        Assert.Equal<string>(["a", "\uFEFFb"], DockerignoreFile.Parse("\uFEFFa\n\uFEFFb"));
        Assert.Empty(DockerignoreFile.Parse("\uFEFF# comment after a BOM"));
    }

    [Fact]
    public void Crlf_line_endings_read_like_lf()
    {
        Assert.Equal<string>(
            DockerignoreFile.Parse("a\n# c\n!b/\n\nd"),
            DockerignoreFile.Parse("a\r\n# c\r\n!b/\r\n\r\nd\r\n"));
        Assert.Equal<string>(["a", "!b", "d"], DockerignoreFile.Parse("a\r\n# c\r\n!b/\r\n\r\nd\r\n"));
    }

    [Fact]
    public void Lone_carriage_returns_do_not_end_lines()
    {
        // bufio.ScanLines only splits on "\n"; an old-Mac file is one line with CRs inside it.
        Assert.Equal<string>(["a\rb"], DockerignoreFile.Parse("a\rb\r"));
    }

    [Fact]
    public void Patterns_are_trimmed_and_cleaned()
    {
        Assert.Equal<string>(
            ["docs", "a/b", "**", ".", "..", "x"],
            DockerignoreFile.Parse(" docs/ \n\ta//b/./\n**/\n./\n../\nx/y/..\n"));
    }

    [Fact]
    public void One_leading_slash_is_dropped_but_not_from_the_root_itself()
    {
        Assert.Equal<string>(["test2", "a/file/here", "b", "/"], DockerignoreFile.Parse("/test2\n/a/file/here\n//b\n/"));
    }

    [Fact]
    public void Exclamation_is_split_off_trimmed_cleaned_and_put_back()
    {
        Assert.Equal<string>(
            ["!inverted/abs/path", "!docs", "!", "!", "!x"],
            DockerignoreFile.Parse("! /inverted/abs/path\n!docs/\n!\n! \n!\t./x"));
    }

    [Fact]
    public void Unicode_white_space_is_trimmed_like_go_trim_space()
    {
        Assert.Equal<string>(["a b"], DockerignoreFile.Parse("\u00A0\u2003a b\u3000\u0085"));
    }
}
