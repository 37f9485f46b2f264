using Kiln.Content.Paths;
using Kiln.Content.Tests.Support;

namespace Kiln.Content.Tests.Paths;

public sealed class SecureJoinTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    private string Root => _sandbox.Root;

    [Theory]
    [InlineData("a/b", "a/b")]
    [InlineData("/a/./b/", "a/b")]
    [InlineData("a/../b", "b")]
    [InlineData("../../b", "b")]
    [InlineData("/", "")]
    public void Joins_lexically_clamping_dotdot_at_the_root(string path, string expected) =>
        Assert.Equal(Expected(expected), SecureJoin.Join(Root, path));

    [Fact]
    public void Absolute_symlink_targets_are_relative_to_the_root()
    {
        Directory.CreateDirectory(Path.Join(Root, "real"));
        File.CreateSymbolicLink(Path.Join(Root, "abs"), "/real");
        File.CreateSymbolicLink(Path.Join(Root, "out"), _sandbox.Path);
        Assert.Equal(Expected("real/x"), SecureJoin.Join(Root, "abs/x"));
        Assert.Equal(Expected(_sandbox.Path.TrimStart('/') + "/outside.txt"), SecureJoin.Join(Root, "out/outside.txt"));
    }

    [Fact]
    public void Relative_symlinks_cannot_climb_out()
    {
        File.CreateSymbolicLink(Path.Join(Root, "up"), "../../../../..");
        Directory.CreateDirectory(Path.Join(Root, "d"));
        File.CreateSymbolicLink(Path.Join(Root, "d", "chain"), "../up/../up");
        Assert.Equal(Expected("outside.txt"), SecureJoin.Join(Root, "up/outside.txt"));
        Assert.Equal(Expected("x"), SecureJoin.Join(Root, "d/chain/x"));
        Assert.Equal(Root, SecureJoin.Join(Root, "up"));
    }

    [Fact]
    public void Symlink_loops_end_in_an_error()
    {
        File.CreateSymbolicLink(Path.Join(Root, "a"), "b");
        File.CreateSymbolicLink(Path.Join(Root, "b"), "a");
        var error = Assert.Throws<UnsafePathException>(() => SecureJoin.Join(Root, "a/x"));
        Assert.Contains("symbolic links", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forty_links_are_followed_and_the_forty_first_is_refused()
    {
        for (var i = 0; i < 41; i++)
        {
            File.CreateSymbolicLink(Path.Join(Root, $"l{i}"), $"l{i + 1}");
        }

        Directory.CreateDirectory(Path.Join(Root, "l41"));
        Assert.Equal(Expected("l41"), SecureJoin.Join(Root, "l1"));
        Assert.Throws<UnsafePathException>(() => SecureJoin.Join(Root, "l0"));
    }

    [Fact]
    public void Nul_bytes_are_refused() => Assert.Throws<UnsafePathException>(() => SecureJoin.Join(Root, "a\0b"));

    [Theory]
    [InlineData("../x", false)]
    [InlineData("a/../../x", false)]
    [InlineData("a/../x", true)]
    [InlineData("/abs/x", true)]
    public void TryClean_refuses_only_escapes(string path, bool ok) => Assert.Equal(ok, SecureJoin.TryClean(path, out _));

    public void Dispose() => _sandbox.Dispose();

    private string Expected(string relative) => relative.Length == 0 ? Root : Path.Join(Root, relative);
}
