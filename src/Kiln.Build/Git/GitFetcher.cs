using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Kiln.Build.Ports;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Git;

/// <summary>
/// BuildKit's git source over Debian's git: <see cref="ResolveAsync"/> asks the remote what the ref names
/// (<c>git ls-remote</c>; a commit id needs no network), <see cref="CheckoutAsync"/> fetches that one commit (depth 1)
/// into a bare repository of its own and checks its tree out, with submodules, keeping <c>.git</c> when asked (and
/// no subdirectory is), then leaves only the subdirectory. Files are git's: 0644 or 0755, directories 0755, owned by
/// the caller, modified at the time of the checkout (or the commit's, with <c>mtime=commit</c>).
/// </summary>
public static partial class GitFetcher
{
    /// <summary>The commit <paramref name="source"/>'s ref names now, checked against its checksum.</summary>
    public static async Task<GitCommit> ResolveAsync(GitSource source, GitAccess access, Action<string>? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        EnsureReachable(source, access);
        var wanted = source.Reference.Ref;
        if (GitReference.IsCommit(wanted))
        {
            if (source.Checksum is { } sum && !wanted.StartsWith(sum, StringComparison.Ordinal))
            {
                throw new GitException($"expected checksum to match {sum}, got {wanted}");
            }

            return new GitCommit(wanted, wanted, wanted);
        }

        var git = GitCommand.For(source.Remote, access, log);
        if (wanted.Length == 0)
        {
            var head = await git.RunAsync(["ls-remote", "--symref", "--", source.Remote, "HEAD"], cancellationToken).ConfigureAwait(false);
            wanted = DefaultBranch().Match(head) is { Success: true } match
                ? match.Groups[1].Value
                : throw new GitException($"could not find default branch for repository: {Redacted(source.Remote)}");
        }

        var listed = await git.RunAsync(["ls-remote", "--", source.Remote, wanted, wanted + "^{}"], cancellationToken).ConfigureAwait(false);
        return Match(source, wanted, listed);
    }

    /// <summary>
    /// Which line of <c>ls-remote</c> the ref means, as git checkout would take it: the exact ref under refs/, then a
    /// branch, then a tag (an annotated tag's commit is the <c>^{}</c> line).
    /// </summary>
    internal static GitCommit Match(GitSource source, string wanted, string listed)
    {
        var bare = wanted.StartsWith("refs/", StringComparison.Ordinal) ? wanted["refs/".Length..] : wanted;
        var partial = "refs/" + bare;
        var branch = "refs/heads/" + (wanted.StartsWith("refs/heads/", StringComparison.Ordinal) ? wanted["refs/heads/".Length..] : wanted);
        var tag = "refs/tags/" + (wanted.StartsWith("refs/tags/", StringComparison.Ordinal) ? wanted["refs/tags/".Length..] : wanted);
        string? exact = null, head = null, tagged = null, peeled = null;
        foreach (var line in listed.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0)
            {
                continue;
            }

            var (sha, name) = (line[..tab], line[(tab + 1)..]);
            if (name == branch)
            {
                head = sha;
            }
            else if (name == tag)
            {
                tagged = sha;
            }
            else if (name == tag + "^{}")
            {
                peeled = sha;
            }
            else if (name == partial)
            {
                exact = sha;
            }
        }

        var (found, used) = exact is not null ? (exact, partial) : head is not null ? (head, branch) : (tagged, tag);
        if (exact is not null || head is not null)
        {
            peeled = null;
        }

        if (found is null)
        {
            throw new GitException($"repository does not contain ref {wanted}, output: \"{listed.Trim()}\"");
        }

        if (!GitReference.IsCommit(found))
        {
            throw new GitException($"invalid commit sha \"{found}\"");
        }

        if (source.Checksum is { } sum && !found.StartsWith(sum, StringComparison.Ordinal) && (peeled is null || !peeled.StartsWith(sum, StringComparison.Ordinal)))
        {
            throw new GitException($"expected checksum to match {sum}, got {found}{(peeled is null ? string.Empty : " or " + peeled)}");
        }

        return new GitCommit(used, found, peeled ?? found) { Requested = wanted };
    }

    /// <summary>
    /// Fetches <paramref name="commit"/> and checks it out into a new directory (deleted with the result): the
    /// repository's tree, or its subdirectory, with <c>.git</c> when kept.
    /// </summary>
    public static async Task<IDownloadedSources> CheckoutAsync(GitSource source, GitCommit commit, GitAccess access, Action<string>? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(commit);
        EnsureReachable(source, access);
        var scratch = Directory.CreateTempSubdirectory("kiln-git-").FullName;
        var checkout = new Checkout(scratch);
        try
        {
            await checkout.FetchAsync(source, commit, GitCommand.For(source.Remote, access, log), cancellationToken).ConfigureAwait(false);
            return checkout;
        }
        catch
        {
            await checkout.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An ssh remote needs the agent BuildKit mounts for it: <c>--ssh default</c>.</summary>
    private static void EnsureReachable(GitSource source, GitAccess access)
    {
        if (source.Reference.IsSsh && access.SshAgentSocket is null)
        {
            throw new GitException($"{Redacted(source.Remote)} is reached over ssh, which needs an ssh agent: pass one with kiln build --ssh default[=SOCKET|KEY]");
        }
    }

    /// <summary>A URL with its password hidden, as BuildKit's urlutil.RedactCredentials shows it.</summary>
    public static string Redacted(string remote)
    {
        var scheme = remote.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return remote;
        }

        var authorityEnd = remote.IndexOf('/', scheme + 3);
        var at = remote.LastIndexOf('@', authorityEnd < 0 ? remote.Length - 1 : authorityEnd);
        var colon = at < 0 ? -1 : remote.IndexOf(':', scheme + 3, at - scheme - 3);
        return colon < 0 ? remote : remote[..(colon + 1)] + "xxxxx" + remote[at..];
    }

    [GeneratedRegex(@"refs/heads/(\S+)")]
    private static partial Regex DefaultBranch();

    /// <summary>The scratch directory: <c>bare</c> (the fetched objects) and <c>tree</c> (the result, <see cref="Root"/>).</summary>
    private sealed class Checkout(string scratch) : IDownloadedSources
    {
        private const string KilnRef = "refs/kiln/checkout";

        public string Root { get; } = Path.Combine(scratch, "tree");

        public ImmutableArray<string> Sources { get; } = ["."];

        private string Bare => Path.Combine(scratch, "bare");

        public async Task FetchAsync(GitSource source, GitCommit commit, GitCommand git, CancellationToken cancellationToken)
        {
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("git sources for Linux images only");
            }

            // The checkout's root as git makes its directories: 0755.
            Directory.CreateDirectory(Root);
            File.SetUnixFileMode(Root, (UnixFileMode)0x1ED);
            var bare = git.In(Bare);
            var format = commit.Commit.Length == 64 ? (string[])["--object-format=sha256"] : [];
            await bare.RunAsync(["-c", "init.defaultBranch=master", "init", "--bare", "--quiet", .. format], cancellationToken).ConfigureAwait(false);
            await bare.RunAsync(["remote", "add", "origin", "--", source.Remote], cancellationToken).ConfigureAwait(false);
            await FetchCommitAsync(bare, source, commit, cancellationToken).ConfigureAwait(false);

            var subDir = source.Reference.SubDir;
            var keep = source.KeepGitDir && subDir.Length == 0;
            var workTree = subDir.Length == 0 ? Root : Directory.CreateDirectory(Path.Combine(Root, "checkout" + Guid.NewGuid().ToString("N"))).FullName;
            GitCommand tree;
            if (keep)
            {
                tree = await KeepGitDirectoryAsync(git, source, commit, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                tree = git.In(Bare, workTree);
                await tree.RunAsync(["checkout", "--no-overlay", commit.Commit, "--", "."], cancellationToken).ConfigureAwait(false);
            }

            if (source.Reference.Submodules != false)
            {
                await WithoutDepthIfRefusedAsync(tree, ["submodule", "update", "--init", "--recursive", "--depth=1"], cancellationToken).ConfigureAwait(false);
            }

            if (subDir.Length > 0)
            {
                MoveUp(workTree, subDir, Root);
            }

            if (source.Reference.MTime is "commit")
            {
                var seconds = await tree.RunAsync(["log", "-1", "--format=%ct", commit.Commit + "^{commit}"], cancellationToken).ConfigureAwait(false);
                SetTimes(Root, DateTimeOffset.FromUnixTimeSeconds(long.Parse(seconds.Trim(), System.Globalization.CultureInfo.InvariantCulture)).UtcDateTime);
            }
        }

        public ValueTask DisposeAsync()
        {
            Directory.Delete(scratch, recursive: true);
            return ValueTask.CompletedTask;
        }

        /// <summary>
        /// The one commit, depth 1, under its own ref name. A commit id given as the ref is fetched with the history
        /// (a server need not let a client ask for an unadvertised commit: then everything is fetched).
        /// </summary>
        private static async Task FetchCommitAsync(GitCommand bare, GitSource source, GitCommit commit, CancellationToken cancellationToken)
        {
            if (GitReference.IsCommit(commit.Ref))
            {
                var (exitCode, _, error) = await bare.TryRunAsync(["fetch", "--tags", "origin", commit.Ref], cancellationToken).ConfigureAwait(false);
                if (exitCode != 0 && (error.Contains("not our ref", StringComparison.Ordinal) || error.Contains("unadvertised object", StringComparison.Ordinal)))
                {
                    await bare.RunAsync(["fetch", "--tags", "origin"], cancellationToken).ConfigureAwait(false);
                }
                else if (exitCode != 0)
                {
                    throw new GitException($"failed to fetch remote {Redacted(source.Remote)}: {error.Trim()}");
                }

                var present = await bare.TryRunAsync(["cat-file", "-e", commit.Ref + "^{commit}"], cancellationToken).ConfigureAwait(false);
                if (present.ExitCode != 0)
                {
                    throw new GitException($"{Redacted(source.Remote)} has no commit {commit.Ref}");
                }

                await bare.RunAsync(["update-ref", KilnRef, commit.Ref], cancellationToken).ConfigureAwait(false);
                return;
            }

            // As BuildKit stores it: a tag under its name, anything else as the tag tags/REF (so that a kept .git gets
            // the refs BuildKit's gets when it fetches REF from here).
            var wanted = commit.Requested;
            var stored = wanted.StartsWith("refs/tags/", StringComparison.Ordinal) ? wanted : "refs/tags/" + wanted;
            await WithoutDepthIfRefusedAsync(
                bare, ["fetch", "--depth=1", "--no-tags", "origin", "--force", "--", wanted + ":" + stored], cancellationToken, $"failed to fetch remote {Redacted(source.Remote)}").ConfigureAwait(false);
            var fetched = (await bare.RunAsync(["rev-parse", "--verify", "--end-of-options", stored], cancellationToken).ConfigureAwait(false)).Trim();
            if (fetched != commit.Target)
            {
                throw new GitException($"{Redacted(source.Remote)} moved {commit.Ref} to {fetched} while it was fetched (it was {commit.Target}): build again");
            }

            await bare.RunAsync(["update-ref", KilnRef, commit.Target], cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// <c>.git</c> kept as BuildKit keeps it: a repository of its own in the tree, fetched from the bare one with
        /// file:// (no local-clone shortcuts), the ref under its own name, HEAD detached at the commit, origin set to
        /// the remote (password hidden), no reflog and no FETCH_HEAD.
        /// </summary>
        private async Task<GitCommand> KeepGitDirectoryAsync(GitCommand git, GitSource source, GitCommit commit, CancellationToken cancellationToken)
        {
            var kept = git.In(Path.Combine(Root, ".git"), Root);
            var format = commit.Commit.Length == 64 ? (string[])["--object-format=sha256"] : [];
            await kept.RunAsync(["-c", "init.defaultBranch=master", "init", "--quiet", .. format], cancellationToken).ConfigureAwait(false);
            await kept.RunAsync(["remote", "add", "origin", "--", "file://" + Bare], cancellationToken).ConfigureAwait(false);
            // BuildKit's pull: an annotated tag into refs/tags, a commit id through a ref of the bare repository's
            // own, anything else as REF:REF; then HEAD detached at what was fetched.
            var wanted = commit.Requested;
            var refspec = GitReference.IsCommit(commit.Ref) ? KilnRef
                : commit.Target != commit.Commit ? wanted + ":" + (wanted.StartsWith("refs/tags/", StringComparison.Ordinal) ? wanted : "refs/tags/" + wanted)
                : wanted + ":" + wanted;
            await kept.RunAsync(["fetch", "-u", "--depth=1", "--quiet", "--", "origin", refspec], cancellationToken).ConfigureAwait(false);
            await kept.RunAsync(["-c", "advice.detachedHead=false", "checkout", "--quiet", "FETCH_HEAD"], cancellationToken).ConfigureAwait(false);
            await kept.RunAsync(["remote", "set-url", "origin", "--", Redacted(source.Remote)], cancellationToken).ConfigureAwait(false);
            await kept.RunAsync(["reflog", "expire", "--all", "--expire=now"], cancellationToken).ConfigureAwait(false);
            File.Delete(Path.Combine(Root, ".git", "FETCH_HEAD"));
            return kept;
        }

        /// <summary>A server that cannot serve a shallow fetch (a dumb http one) says so: then without --depth, as gitutil retries.</summary>
        private static async Task WithoutDepthIfRefusedAsync(GitCommand git, string[] arguments, CancellationToken cancellationToken, string? failure = null)
        {
            var (exitCode, _, error) = await git.TryRunAsync(arguments, cancellationToken).ConfigureAwait(false);
            if (exitCode != 0 && (error.Contains("--depth", StringComparison.Ordinal) || error.Contains("shallow", StringComparison.Ordinal)))
            {
                (exitCode, _, error) = await git.TryRunAsync(arguments.Where(a => a != "--depth=1"), cancellationToken).ConfigureAwait(false);
            }

            if (exitCode != 0)
            {
                throw new GitException($"{failure ?? "git " + arguments[0] + " " + arguments[1] + " failed"}: {error.Trim()}");
            }
        }

        /// <summary>
        /// The subdirectory's entries become the tree's: each step of its path must be a directory (never a link that
        /// could lead out of the checkout).
        /// </summary>
        private static void MoveUp(string workTree, string subDir, string root)
        {
            var path = workTree;
            foreach (var part in subDir.Split('/'))
            {
                path = Path.Combine(path, part);
                var info = new DirectoryInfo(path);
                if (!info.Exists && !File.Exists(path) && info.LinkTarget is null)
                {
                    throw new GitException($"the repository has no directory {subDir}");
                }

                if (info.LinkTarget is not null || !info.Exists)
                {
                    throw new GitException($"git subpath \"{subDir}\" contains non-directory \"{Path.GetRelativePath(workTree, path)}\"");
                }
            }

            foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos())
            {
                var target = Path.Combine(root, entry.Name);
                if (entry is DirectoryInfo directory && directory.LinkTarget is null)
                {
                    Directory.Move(entry.FullName, target);
                }
                else
                {
                    File.Move(entry.FullName, target);
                }
            }

            Directory.Delete(workTree, recursive: true);
        }

        /// <summary>mtime=commit: every entry (links themselves, a directory after what it holds) at the commit's time.</summary>
        private static void SetTimes(string directory, DateTime time)
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }))
            {
                if (entry is DirectoryInfo && entry.LinkTarget is null)
                {
                    SetTimes(entry.FullName, time);
                }
                else
                {
                    entry.LastWriteTimeUtc = time;
                }
            }

            Directory.SetLastWriteTimeUtc(directory, time);
        }
    }
}
