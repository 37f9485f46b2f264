using Kiln.Build.Git;
using Kiln.Build.Ports;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Cli.Commands;

/// <summary>
/// A git repository as the build context (<c>kiln build https://host/repo.git#ref:dir</c>), as BuildKit's dockerui
/// takes one: the repository's tree at the ref, the subdirectory as the context's root, the Dockerfile read from
/// there (<c>-f</c> is a path in it), and no .dockerignore applied. A local directory of the same name wins, as
/// docker's does. Disposing deletes the checkout.
/// </summary>
internal sealed class GitContext : IAsyncDisposable
{
    private readonly IDownloadedSources _checkout;

    private GitContext(IDownloadedSources checkout)
    {
        _checkout = checkout;
    }

    /// <summary>The checkout: the context directory.</summary>
    public string ContextPath => _checkout.Root;

    /// <summary>Whether <paramref name="argument"/> names a repository rather than a directory or "-".</summary>
    public static bool Names(string argument) =>
        argument != "-" && !Directory.Exists(argument) && (GitReference.TryParse(argument, out _, out var error) || error is not null);

    /// <summary>Fetches the repository; null (the error written) when it cannot be.</summary>
    public static async Task<GitContext?> FetchAsync(string url, GitAccess access, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            var source = GitSource.Parse(url);
            var commit = await GitFetcher.ResolveAsync(source, access, null, cancellationToken).ConfigureAwait(false);
            return new GitContext(await GitFetcher.CheckoutAsync(source, commit, access, null, cancellationToken).ConfigureAwait(false));
        }
        catch (GitException e)
        {
            await error.WriteLineAsync($"ERROR: kiln build: git context {GitFetcher.Redacted(url)}: {e.Message}").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// The Dockerfile <c>-f</c> names: a path in the context (never outside it), "-" for standard input, or null for
    /// the context's own Dockerfile.
    /// </summary>
    public string? DockerfilePath(string? file, out string? problem)
    {
        problem = null;
        if (file is null or "-")
        {
            return file;
        }

        var full = Path.GetFullPath(Path.Combine(ContextPath, file.TrimStart('/')));
        if (!full.StartsWith(ContextPath + "/", StringComparison.Ordinal))
        {
            problem = $"the Dockerfile {file} is outside the git context";
            return null;
        }

        return full;
    }

    public ValueTask DisposeAsync() => _checkout.DisposeAsync();
}
