using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Tests.Instructions;

/// <summary>Git repository URLs as BuildKit's dfgitutil.ParseGitRef reads them.</summary>
public sealed class GitReferenceTests
{
    [Theory]
    [InlineData("https://example.com/")]
    [InlineData("https://example.com/foo")]
    [InlineData("https://example.com/foo.git/")]
    [InlineData("https://example.com/foo.git.bar")]
    [InlineData("custom.xyz/moby/buildkit.git")]
    [InlineData("./.git")]
    [InlineData(".git")]
    [InlineData("ftp://example.com/foo.git")]
    [InlineData("a.txt")]
    public void What_is_not_a_repository_is_not_parsed(string text)
    {
        Assert.False(GitReference.TryParse(text, out var reference, out var error));
        Assert.Null(reference);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("https://example.com/foo.git", "https://example.com/foo.git", "https", "", "")]
    [InlineData("https://example.com/foo.git#deadbeef", "https://example.com/foo.git", "https", "deadbeef", "")]
    [InlineData("https://example.com/foo.git#release/1.2", "https://example.com/foo.git", "https", "release/1.2", "")]
    [InlineData("HTTPS://example.com/foo.git#v1", "HTTPS://example.com/foo.git", "https", "v1", "")]
    [InlineData("git://example.com/foo", "git://example.com/foo", "git", "", "")]
    [InlineData("https://foo:bar@github.com/moby/buildkit.git", "https://foo:bar@github.com/moby/buildkit.git", "https", "", "")]
    [InlineData("git@github.com:moby/buildkit", "git@github.com:moby/buildkit", "ssh", "", "")]
    [InlineData("deploy@git.example.com:team/app.git#main:sub", "deploy@git.example.com:team/app.git", "ssh", "main", "sub")]
    [InlineData("ssh://git@127.0.0.1:2222/srv/repo.git#v1", "ssh://git@127.0.0.1:2222/srv/repo.git", "ssh", "v1", "")]
    [InlineData("https://github.com/foo/bar.git#baz/qux:quux/quuz", "https://github.com/foo/bar.git", "https", "baz/qux", "quux/quuz")]
    [InlineData("https://github.com/docker/docker.git#:myfolder", "https://github.com/docker/docker.git", "https", "", "myfolder")]
    [InlineData("https://h/r.git#main:/a/../b/./c/", "https://h/r.git", "https", "main", "b/c")]
    [InlineData("https://h/r.git#main:..", "https://h/r.git", "https", "main", "")]
    public void The_remote_ref_and_subdirectory_come_apart(string text, string remote, string scheme, string gitRef, string subDir)
    {
        Assert.True(GitReference.TryParse(text, out var reference, out var error), error);

        Assert.Equal(remote, reference!.Remote);
        Assert.Equal(scheme, reference.Scheme);
        Assert.Equal(gitRef, reference.Ref);
        Assert.Equal(subDir, reference.SubDir);
        Assert.False(reference.IndistinguishableFromLocal);
        Assert.True(GitReference.IsGit(text));
    }

    [Fact]
    public void Github_without_a_scheme_is_a_repository_only_where_a_context_is_expected()
    {
        Assert.True(GitReference.TryParse("github.com/moby/buildkit#master", out var reference, out _));

        Assert.True(reference!.IndistinguishableFromLocal);
        Assert.Equal("https://github.com/moby/buildkit", reference.Remote);
        Assert.Equal("master", reference.Ref);
        Assert.False(GitReference.IsGit("github.com/moby/buildkit"));
    }

    [Theory]
    [InlineData("https://h/r.git?ref=v1.0.0&subdir=/subdir", "v1.0.0", "subdir", null, null, null)]
    [InlineData("https://h/r.git?subdir=/subdir#v1.0.0", "v1.0.0", "subdir", null, null, null)]
    [InlineData("https://h/r.git?tag=v1.0.0", "refs/tags/v1.0.0", "", null, null, null)]
    [InlineData("https://h/r.git?branch=v1.0", "refs/heads/v1.0", "", null, null, null)]
    [InlineData("git@h:r.git?subdir=/subdir#v1.0.0", "v1.0.0", "subdir", null, null, null)]
    [InlineData("https://h/r.git?checksum=abc123&keep-git-dir", "", "", "abc123", true, null)]
    [InlineData("https://h/r.git?commit=abc123&keep-git-dir=false&submodules=0", "", "", "abc123", false, false)]
    public void The_query_names_the_same_things_as_the_fragment(string text, string gitRef, string subDir, string? checksum, bool? keep, bool? submodules)
    {
        Assert.True(GitReference.TryParse(text, out var reference, out var error), error);

        Assert.Equal(gitRef, reference!.Ref);
        Assert.Equal(subDir, reference.SubDir);
        Assert.Equal(checksum, reference.Checksum);
        Assert.Equal(keep, reference.KeepGitDir);
        Assert.Equal(submodules, reference.Submodules);
        Assert.Equal("https://h/r.git", reference.Remote.Replace("git@h:r.git", "https://h/r.git", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://h/r.git?ref=v1.0.0#v1.2.3", "ref conflicts: \"v1.2.3\" vs \"v1.0.0\"")]
    [InlineData("https://h/r.git?ref=v1.0.0&tag=v1.2.3", "ref conflicts: \"v1.0.0\" vs \"refs/tags/v1.2.3\"")]
    [InlineData("https://h/r.git?tag=v1.0.0&branch=v1.0", "branch conflicts with tag")]
    [InlineData("https://h/r.git?mtime=invalid", "invalid mtime value: \"invalid\" (must be \"checkout\" or \"commit\")")]
    [InlineData("https://h/r.git?invalid=123", "unexpected query \"invalid\"")]
    [InlineData("https://h/r.git?ref=", "query \"ref\" has no value")]
    [InlineData("https://h/r.git?ref=a&ref=b", "query \"ref\" has multiple values")]
    [InlineData("https://h/r.git#-upload-pack=x", "invalid git ref \"-upload-pack=x\"")]
    public void A_repository_written_wrong_is_an_error_not_a_local_path(string text, string message)
    {
        Assert.False(GitReference.TryParse(text, out _, out var error));

        Assert.Equal(message, error);
        Assert.True(GitReference.IsGit(text));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef01234567", true)]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF01234567", false)]
    [InlineData("0123456", false)]
    [InlineData("main", false)]
    public void A_commit_id_is_forty_or_sixty_four_lowercase_hex_digits(string text, bool commit) =>
        Assert.Equal(commit, GitReference.IsCommit(text));
}
