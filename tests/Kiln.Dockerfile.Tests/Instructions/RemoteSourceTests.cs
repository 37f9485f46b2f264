using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class RemoteSourceTests
{
    [Theory]
    [InlineData("https://example.com/a.tar.gz", true, false)]
    [InlineData("HTTP://example.com/", true, false)]
    [InlineData("https://github.com/moby/buildkit.git", false, true)]
    [InlineData("https://github.com/moby/buildkit.git#v0.12.0:docs", false, true)]
    [InlineData("https://example.com/x.git?ref=main", false, true)]
    [InlineData("https://example.com/x.gitignore", true, false)]
    [InlineData("git@github.com:moby/buildkit.git", false, true)]
    [InlineData("git://example.com/x", false, true)]
    [InlineData("ssh://git@example.com/x", false, true)]
    [InlineData("a.txt", false, false)]
    [InlineData("./http://x", false, false)]
    public void Sources_are_told_apart_by_buildkits_rules(string source, bool http, bool git)
    {
        Assert.Equal(http, RemoteSource.IsHttp(source));
        Assert.Equal(git, RemoteSource.IsGit(source));
        Assert.Equal(http || git, RemoteSource.IsRemote(source));
    }
}
