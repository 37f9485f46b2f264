using System.Runtime.Versioning;

namespace Kiln.Cli.Tests.Build;

/// <summary>
/// ADD of a git repository and git build contexts, end to end: repositories served by Debian's git http-backend and
/// sshd on 127.0.0.1, fetched by Debian's git as BuildKit's git source fetches them.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class GitSourceTests(BusyboxBase busybox) : IClassFixture<BusyboxBase>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-git-e2e-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>a.txt, an executable run.sh, a link, dir/g and dir/sub/f, tagged v1 and v1a (annotated), then a second commit on main.</summary>
    private (GitRepository Repository, string First, string Second) Repository()
    {
        var repository = GitRepository.Init(Path.Combine(_root, "work"))
            .Write("a.txt", "a\n")
            .Write("run.sh", "#!/bin/sh\necho hi\n", executable: true)
            .Write("dir/sub/f", "f\n")
            .Write("dir/g", "g\n")
            .Symlink("link", "a.txt");
        var first = repository.Commit("one");
        repository.Git("tag", "v1");
        repository.Git("tag", "-a", "-m", "annotated", "v1a");
        repository.Write("a.txt", "a2\n");
        var second = repository.Commit("two");
        return (repository, first, second);
    }

    [Fact]
    public void Add_of_a_repository_copies_its_tree_at_the_ref_keeps_git_when_asked_and_is_keyed_by_the_commit()
    {
        var (repository, first, second) = Repository();
        using var server = new GitHttpServer(Path.Combine(_root, "srv"));
        repository.Publish(server.Root, "repo.git");
        var url = server.Url("repo.git");
        const string Each = "{}";
        using var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", $"""
            FROM localhost/busybox:latest
            ADD {url}#v1 /repo
            ADD {url}#main:dir /sub
            ADD --keep-git-dir {url}#main /kept
            ADD --chmod=700 --chown=5:6 {url}?tag=v1a&subdir=dir/sub /owned/
            ADD --chmod=700 {url}#v1a:dir /owned2
            ADD --checksum={first} {url}#{first} /pinned
            RUN cd / && find repo sub owned owned2 -exec stat -c '%n %a %u:%g' {Each} + | sort > /report && readlink repo/link >> /report && cat kept/.git/HEAD kept/a.txt pinned/a.txt >> /report && ls -A kept >> /report

            """);

        w.Build("-t", "git:1");
        var again = w.Build("-t", "git:2");

        Assert.Equal($"""
            owned 755 5:6
            owned/f 700 5:6
            owned2 700 0:0
            owned2/g 700 0:0
            owned2/sub 700 0:0
            owned2/sub/f 700 0:0
            repo 755 0:0
            repo/a.txt 644 0:0
            repo/dir 755 0:0
            repo/dir/g 644 0:0
            repo/dir/sub 755 0:0
            repo/dir/sub/f 644 0:0
            repo/link 777 0:0
            repo/run.sh 755 0:0
            sub 755 0:0
            sub/g 644 0:0
            sub/sub 755 0:0
            sub/sub/f 644 0:0
            a.txt
            {second}
            a2
            a
            .git
            a.txt
            dir
            link
            run.sh

            """, w.Kiln("run", "--rm", "git:1", "cat", "/report").Output);
        Assert.Equal(7, BuildEndToEndTests.Cached(again.Error).Count);

        // A new commit on main: the steps that follow main run again, those pinned to v1 stay.
        repository.Write("dir/g", "g2\n");
        repository.Commit("three");
        repository.Publish(server.Root, "repo.git");
        var moved = w.Build("-t", "git:3");
        Assert.Equal([$"[2/8] ADD {url}#v1 /repo"], BuildEndToEndTests.Cached(moved.Error).Take(1));
        Assert.Equal("g2\n", w.Kiln("run", "--rm", "git:3", "cat", "/sub/g").Output);
    }

    [Fact]
    public void A_checksum_the_ref_does_not_match_fails_at_the_adds_line()
    {
        var (repository, first, second) = Repository();
        using var server = new GitHttpServer(Path.Combine(_root, "srv"));
        repository.Publish(server.Root, "repo.git");
        using var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", $"FROM localhost/busybox:latest\nADD --checksum={first} {server.Url("repo.git")}#main /repo\n");

        var failed = w.Kiln("build", w.Context);

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains($"expected checksum to match {first}, got {second}", failed.Error, StringComparison.Ordinal);
        Assert.Contains("Dockerfile:2", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_over_ssh_authenticates_with_the_key_kiln_serves_through_its_agent_and_without_one_says_so()
    {
        var (repository, _, _) = Repository();
        using var sshd = await SshServer.StartAsync(Path.Combine(_root, "sshd"));
        var served = Path.Combine(_root, "srv");
        repository.Publish(served, "repo.git");
        using var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", $"FROM localhost/busybox:latest\nADD {sshd.Url(Path.Combine(served, "repo.git"))}#v1:dir /sub\nRUN ls /sub > /report\n");

        w.Build("--ssh", $"default={sshd.ClientKey}", "-t", "ssh-git:1");
        var refused = w.Kiln("build", "--no-cache", w.Context);

        Assert.Equal("g\nsub\n", w.Kiln("run", "--rm", "ssh-git:1", "cat", "/report").Output);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("needs an ssh agent: pass one with kiln build --ssh default", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_git_context_is_the_tree_at_the_ref_with_its_subdirectory_as_the_root_and_no_dockerignore()
    {
        var repository = GitRepository.Init(Path.Combine(_root, "work"))
            .Write("app/Dockerfile", "FROM localhost/busybox:latest\nCOPY . /ctx\nRUN ls -A /ctx > /report && cat /ctx/VERSION >> /report\n")
            .Write("app/other.Dockerfile", "FROM localhost/busybox:latest\nCOPY VERSION /other\n")
            .Write("app/.dockerignore", "VERSION\n")
            .Write("app/VERSION", "1\n")
            .Write("README", "not in the context\n");
        repository.Commit("one");
        repository.Git("tag", "v1");
        repository.Write("app/VERSION", "2\n");
        repository.Commit("two");
        using var server = new GitHttpServer(Path.Combine(_root, "srv"));
        repository.Publish(server.Root, "repo.git");
        using var w = new BuildWorkspace(busybox);

        var built = w.Kiln("build", "--progress", "plain", "-t", "ctx:1", server.Url("repo.git") + "#v1:app");
        var other = w.Kiln("build", "--progress", "plain", "-f", "other.Dockerfile", "-t", "ctx:2", server.Url("repo.git") + "#main:app");
        var outside = w.Kiln("build", "-f", "../README", server.Url("repo.git") + "#main:app");
        var missing = w.Kiln("build", server.Url("repo.git") + "#nope");

        Assert.True(built.ExitCode == 0, built.Error);
        Assert.Equal(".dockerignore\nDockerfile\nVERSION\nother.Dockerfile\n1\n", w.Kiln("run", "--rm", "ctx:1", "cat", "/report").Output);
        Assert.True(other.ExitCode == 0, other.Error);
        Assert.Equal("2\n", w.Kiln("run", "--rm", "ctx:2", "cat", "/other").Output);
        Assert.Equal(1, outside.ExitCode);
        Assert.Contains("the Dockerfile ../README is outside the git context", outside.Error, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("repository does not contain ref nope", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_git_context_is_read_as_a_directory_that_from_copy_and_mounts_take()
    {
        var (repository, _, _) = Repository();
        repository.Write("dir/.dockerignore", "g\n").Commit("ignore g");
        using var server = new GitHttpServer(Path.Combine(_root, "srv"));
        repository.Publish(server.Root, "repo.git");
        using var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", """
            FROM localhost/busybox:latest
            COPY --from=lib . /lib
            RUN --mount=type=bind,from=lib,target=/m ls -A /lib /m > /report

            """);

        w.Build("--build-context", $"lib={server.Url("repo.git")}#main:dir", "-t", "named-git:1");

        Assert.Equal("/lib:\n.dockerignore\ng\nsub\n\n/m:\n.dockerignore\ng\nsub\n", w.Kiln("run", "--rm", "named-git:1", "cat", "/report").Output);
    }
}
