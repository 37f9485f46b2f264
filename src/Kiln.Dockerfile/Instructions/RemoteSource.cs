namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// Which ADD and COPY sources are fetched from elsewhere rather than read from the context, by BuildKit's rules
/// (dockerfile2llb's isHTTPSource and isGitSource): what <see cref="GitReference"/> parses is git (ssh://, git://,
/// user@host:path, an http(s) URL whose path ends in ".git"); any other http(s) URL is a download.
/// </summary>
public static class RemoteSource
{
    public static bool IsRemote(string source) => IsHttp(source) || IsGit(source);

    public static bool IsHttp(string source) => IsHttpScheme(source) && !IsGit(source);

    public static bool IsGit(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return GitReference.IsGit(source);
    }

    private static bool IsHttpScheme(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
