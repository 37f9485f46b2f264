using System.Collections.Immutable;
using System.Runtime.Versioning;
using Kiln.Build.Git;

namespace Kiln.Build.Tests.Git;

/// <summary>The git source against Debian's git http-backend on 127.0.0.1 (smart HTTP), as BuildKit's fetches it.</summary>
[SupportedOSPlatform("linux")]
public sealed class GitFetcherTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-git-test-").FullName;
    private readonly GitHttpServer _server;
    private readonly GitRepository _repository;
    private readonly string _first;
    private readonly string _second;

    public GitFetcherTests()
    {
        _server = new GitHttpServer(Path.Combine(_root, "srv"));
        _repository = GitRepository.Init(Path.Combine(_root, "work"))
            .Write("a.txt", "a\n")
            .Write("run.sh", "#!/bin/sh\necho hi\n", executable: true)
            .Write("dir/sub/f", "f\n")
            .Write("dir/g", "g\n")
            .Symlink("link", "a.txt");
        _first = _repository.Commit("one");
        _repository.Git("tag", "v1");
        _repository.Git("tag", "-a", "-m", "annotated", "v1a");
        _repository.Write("a.txt", "a2\n");
        _second = _repository.Commit("two");
        _repository.Publish(_server.Root, "repo.git");
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Url(string fragment = "") => _server.Url("repo.git") + fragment;

    [Fact]
    public async Task A_ref_resolves_to_its_commit_the_default_branch_when_none_is_given_and_an_annotated_tag_to_the_tags_commit()
    {
        var head = await GitFetcher.ResolveAsync(GitSource.Parse(Url()), GitAccess.None, null, CancellationToken.None);
        var tag = await GitFetcher.ResolveAsync(GitSource.Parse(Url("#v1")), GitAccess.None, null, CancellationToken.None);
        var annotated = await GitFetcher.ResolveAsync(GitSource.Parse(Url("#v1a")), GitAccess.None, null, CancellationToken.None);
        var requests = _server.Requests.Count;
        var pinned = await GitFetcher.ResolveAsync(GitSource.Parse(Url("#" + _first)), GitAccess.None, null, CancellationToken.None);

        Assert.Equal(new GitCommit("refs/heads/main", _second, _second) { Requested = "main" }, head);
        Assert.Equal(new GitCommit("refs/tags/v1", _first, _first) { Requested = "v1" }, tag);
        Assert.Equal("refs/tags/v1a", annotated.Ref);
        Assert.NotEqual(_first, annotated.Target);
        Assert.Equal(_first, annotated.Commit);
        Assert.Equal(new GitCommit(_first, _first, _first), pinned);
        Assert.Equal(requests, _server.Requests.Count);
    }

    [Fact]
    public async Task A_checksum_must_be_a_prefix_of_the_commit_the_ref_names()
    {
        var matching = await GitFetcher.ResolveAsync(GitSource.Parse(Url("#v1"), null, _first[..12]), GitAccess.None, null, CancellationToken.None);
        var wrong = await Assert.ThrowsAsync<GitException>(() => GitFetcher.ResolveAsync(GitSource.Parse(Url("#main"), null, _first), GitAccess.None, null, CancellationToken.None));
        var missing = await Assert.ThrowsAsync<GitException>(() => GitFetcher.ResolveAsync(GitSource.Parse(Url("#nope")), GitAccess.None, null, CancellationToken.None));

        Assert.Equal(_first, matching.Commit);
        Assert.Equal($"expected checksum to match {_first}, got {_second}", wrong.Message);
        Assert.StartsWith("repository does not contain ref nope", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkout_is_the_tree_with_gits_modes_and_links_and_no_git_directory()
    {
        var source = GitSource.Parse(Url("#v1"));
        var before = DateTime.UtcNow.AddSeconds(-2);
        await using var checkout = await CheckoutAsync(source);

        var root = checkout.Root;
        Assert.Equal(["."], checkout.Sources.ToArray());
        Assert.Equal(["a.txt", "dir", "link", "run.sh"], Entries(root));
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(root, "a.txt")));
        Assert.Equal("644", Mode(Path.Combine(root, "a.txt")));
        Assert.Equal("755", Mode(Path.Combine(root, "run.sh")));
        Assert.Equal("755", Mode(Path.Combine(root, "dir", "sub")));
        Assert.Equal("755", Mode(root));
        Assert.Equal("a.txt", new FileInfo(Path.Combine(root, "link")).LinkTarget);
        Assert.True(File.GetLastWriteTimeUtc(Path.Combine(root, "a.txt")) >= before, "files have the checkout's time");
    }

    [Fact]
    public async Task A_subdirectory_becomes_the_root_and_a_path_through_a_file_is_an_error()
    {
        await using (var checkout = await CheckoutAsync(GitSource.Parse(Url("#main:dir"))))
        {
            Assert.Equal(["g", "sub"], Entries(checkout.Root));
        }

        await using (var checkout = await CheckoutAsync(GitSource.Parse(Url("?ref=main&subdir=/dir/sub/"))))
        {
            Assert.Equal(["f"], Entries(checkout.Root));
        }

        var file = await Assert.ThrowsAsync<GitException>(() => CheckoutAsync(GitSource.Parse(Url("#main:a.txt/x"))));
        var link = await Assert.ThrowsAsync<GitException>(() => CheckoutAsync(GitSource.Parse(Url("#main:link"))));
        Assert.Contains("a.txt", file.Message, StringComparison.Ordinal);
        Assert.Equal("git subpath \"link\" contains non-directory \"link\"", link.Message);
    }

    [Fact]
    public async Task Keep_git_dir_keeps_a_repository_detached_at_the_commit_with_origin_set_to_the_remote()
    {
        var source = GitSource.Parse(Url("#main"), true, null);
        await using var checkout = await CheckoutAsync(source);

        var git = Path.Combine(checkout.Root, ".git");
        Assert.Equal(_second + "\n", File.ReadAllText(Path.Combine(git, "HEAD")));
        var work = GitRepository.Init(Path.Combine(_root, "inspect"));
        Assert.Equal(Url() + "\n", work.Git("--git-dir", git, "remote", "get-url", "origin"));
        Assert.Equal(_second + "\n", work.Git("--git-dir", git, "rev-parse", "refs/heads/main"));
        Assert.Equal(string.Empty, work.Git("--git-dir", git, "--work-tree", checkout.Root, "status", "--porcelain"));
        Assert.False(File.Exists(Path.Combine(git, "FETCH_HEAD")));
    }

    [Fact]
    public async Task A_commit_given_as_the_ref_is_checked_out_even_when_no_branch_points_at_it()
    {
        await using var checkout = await CheckoutAsync(GitSource.Parse(Url("#" + _first)));

        Assert.Equal("a\n", File.ReadAllText(Path.Combine(checkout.Root, "a.txt")));
    }

    [Fact]
    public async Task Submodules_are_checked_out_at_the_commit_the_parent_pins_unless_the_url_says_submodules_false()
    {
        var library = GitRepository.Init(Path.Combine(_root, "library")).Write("lib.txt", "lib 1\n");
        var pinned = library.Commit("lib one");
        library.Publish(_server.Root, "library.git");
        var parent = GitRepository.Init(Path.Combine(_root, "parent")).Write("main.txt", "main\n");
        parent.Git("-c", "protocol.file.allow=always", "submodule", "add", "-q", _server.Url("library.git"), "vendor/library");
        parent.Commit("with the library");
        parent.Publish(_server.Root, "parent.git");
        library.Write("lib.txt", "lib 2\n").Commit("lib two");
        library.Publish(_server.Root, "library.git");

        await using (var checkout = await CheckoutAsync(GitSource.Parse(_server.Url("parent.git") + "#main")))
        {
            Assert.Equal("lib 1\n", File.ReadAllText(Path.Combine(checkout.Root, "vendor", "library", "lib.txt")));
            Assert.Equal("644", Mode(Path.Combine(checkout.Root, "vendor", "library", "lib.txt")));
        }

        await using (var skipped = await CheckoutAsync(GitSource.Parse(_server.Url("parent.git") + "?ref=main&submodules=false")))
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(skipped.Root, "vendor", "library")));
        }

        Assert.Equal(40, pinned.Length);
    }

    [Fact]
    public async Task Mtime_commit_gives_every_entry_the_commits_time()
    {
        await using var checkout = await CheckoutAsync(GitSource.Parse(Url("?ref=v1&mtime=commit")));

        var time = DateTime.UnixEpoch.AddSeconds(_repository.CommitTime(_first));
        Assert.All(
            Directory.EnumerateFileSystemEntries(checkout.Root, "*", SearchOption.AllDirectories).Append(checkout.Root),
            path => Assert.Equal(time, new FileInfo(path).LastWriteTimeUtc));
    }

    [Fact]
    public async Task A_token_secret_is_sent_as_basic_auth_and_without_it_the_fetch_fails()
    {
        _server.Authorization = "basic " + Convert.ToBase64String("x-access-token:s3cret"u8.ToArray());
        var secrets = ImmutableDictionary<string, ImmutableArray<byte>>.Empty.Add("GIT_AUTH_TOKEN", [.. "s3cret"u8.ToArray()]);
        var access = new GitAccess(null, secrets);

        var commit = await GitFetcher.ResolveAsync(GitSource.Parse(Url("#main")), access, null, CancellationToken.None);
        await using (var checkout = await GitFetcher.CheckoutAsync(GitSource.Parse(Url("#main")), commit, access, null, CancellationToken.None))
        {
            Assert.Equal("a2\n", File.ReadAllText(Path.Combine(checkout.Root, "a.txt")));
        }

        await Assert.ThrowsAsync<GitException>(() => GitFetcher.ResolveAsync(GitSource.Parse(Url("#main")), GitAccess.None, null, CancellationToken.None));
    }

    [Fact]
    public async Task A_git_protocol_remote_is_fetched_from_git_daemon()
    {
        var port = Tools.FreePort();
        var start = new System.Diagnostics.ProcessStartInfo("git", ["daemon", "--reuseaddr", "--export-all", $"--base-path={_server.Root}", "--listen=127.0.0.1", $"--port={port}", _server.Root])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var daemon = System.Diagnostics.Process.Start(start)!;
        try
        {
            await Tools.WaitForPortAsync(port, () => daemon.HasExited, "git daemon");
            var source = GitSource.Parse($"git://127.0.0.1:{port}/repo.git#v1:dir");

            await using var checkout = await CheckoutAsync(source);

            Assert.Equal(["g", "sub"], Entries(checkout.Root));
        }
        finally
        {
            daemon.Kill(entireProcessTree: true);
            await daemon.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task The_users_git_configuration_does_not_reach_the_checkout()
    {
        // What a user's environment could hand git: here, CRLF line ends for every text file checked out.
        Environment.SetEnvironmentVariable("GIT_CONFIG_PARAMETERS", "'core.autocrlf'='true'");
        try
        {
            await using var checkout = await CheckoutAsync(GitSource.Parse(Url("#main")));

            Assert.Equal("a2\n", File.ReadAllText(Path.Combine(checkout.Root, "a.txt")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GIT_CONFIG_PARAMETERS", null);
        }
    }

    [Fact]
    public async Task An_ssh_remote_without_an_agent_is_an_error_that_says_how_to_pass_one()
    {
        var error = await Assert.ThrowsAsync<GitException>(() => GitFetcher.ResolveAsync(GitSource.Parse("git@127.0.0.1:repo.git#main"), GitAccess.None, null, CancellationToken.None));

        Assert.Contains("--ssh default", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("main", "0000000000000000000000000000000000000001\trefs/heads/main\n0000000000000000000000000000000000000002\trefs/tags/main\n", "refs/heads/main", "0000000000000000000000000000000000000001")]
    [InlineData("v1", "0000000000000000000000000000000000000003\trefs/tags/v1\n0000000000000000000000000000000000000004\trefs/tags/v1^{}\n", "refs/tags/v1", "0000000000000000000000000000000000000004")]
    [InlineData("heads/x", "0000000000000000000000000000000000000005\trefs/heads/x\n", "refs/heads/x", "0000000000000000000000000000000000000005")]
    public void The_ls_remote_line_is_chosen_as_git_checkout_would(string wanted, string listed, string used, string commit)
    {
        var resolved = GitFetcher.Match(GitSource.Parse("https://h/r.git"), wanted, listed);

        Assert.Equal(used, resolved.Ref);
        Assert.Equal(commit, resolved.Commit);
    }

    [Fact]
    public void A_password_in_the_remote_is_hidden_in_what_is_shown()
    {
        Assert.Equal("https://user:xxxxx@h/r.git", GitFetcher.Redacted("https://user:pw@h/r.git"));
        Assert.Equal("https://user@h/r.git", GitFetcher.Redacted("https://user@h/r.git"));
        Assert.Equal("git@h:r.git", GitFetcher.Redacted("git@h:r.git"));
    }

    private static async Task<Ports.IDownloadedSources> CheckoutAsync(GitSource source)
    {
        var commit = await GitFetcher.ResolveAsync(source, GitAccess.None, null, CancellationToken.None);
        return await GitFetcher.CheckoutAsync(source, commit, GitAccess.None, null, CancellationToken.None);
    }

    private static string[] Entries(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);
}
