namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// Which ADD and COPY sources are fetched from elsewhere rather than read from the context, by BuildKit's rules
/// (dockerfile2llb's isHTTPSource and isGitSource, dfgitutil.ParseGitRef): <c>git@</c>, <c>git://</c> and
/// <c>ssh://</c> are git, and so is an http(s) URL whose path ends in ".git"; any other http(s) URL is a download.
/// </summary>
public static class RemoteSource
{
    public static bool IsRemote(string source) => IsHttp(source) || IsGit(source);

    public static bool IsHttp(string source) => IsHttpScheme(source) && !IsGit(source);

    public static bool IsGit(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.StartsWith("git@", StringComparison.Ordinal)
            || source.StartsWith("git://", StringComparison.Ordinal)
            || source.StartsWith("ssh://", StringComparison.Ordinal))
        {
            return true;
        }

        return IsHttpScheme(source)
            && Uri.TryCreate(source, UriKind.Absolute, out var uri)
            && uri.AbsolutePath.EndsWith(".git", StringComparison.Ordinal);
    }

    private static bool IsHttpScheme(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
