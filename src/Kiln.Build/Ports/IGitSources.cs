using Kiln.Build.Git;

namespace Kiln.Build.Ports;

/// <summary>ADD's git repositories: what a ref names now, and its checkout (BuildKit's git source).</summary>
public interface IGitSources
{
    /// <summary>The commit <paramref name="source"/>'s ref names (a commit id needs no network), checked against its checksum.</summary>
    /// <param name="log">Gets the lines git prints.</param>
    Task<GitCommit> ResolveAsync(GitSource source, GitAccess access, Action<string>? log, CancellationToken cancellationToken);

    /// <summary><paramref name="commit"/> checked out into a directory of its own (its only source is "."), deleted on dispose.</summary>
    Task<IDownloadedSources> CheckoutAsync(GitSource source, GitCommit commit, GitAccess access, Action<string>? log, CancellationToken cancellationToken);
}
