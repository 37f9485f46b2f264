using Kiln.Build.Git;

namespace Kiln.Build.Ports.Adapters;

/// <summary>Git sources through Debian's git (<see cref="GitFetcher"/>).</summary>
public sealed class GitSources : IGitSources
{
    public Task<GitCommit> ResolveAsync(GitSource source, GitAccess access, Action<string>? log, CancellationToken cancellationToken) =>
        GitFetcher.ResolveAsync(source, access, log, cancellationToken);

    public Task<IDownloadedSources> CheckoutAsync(GitSource source, GitCommit commit, GitAccess access, Action<string>? log, CancellationToken cancellationToken) =>
        GitFetcher.CheckoutAsync(source, commit, access, log, cancellationToken);
}
