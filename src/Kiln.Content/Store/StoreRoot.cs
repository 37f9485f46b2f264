namespace Kiln.Content.Store;

/// <summary>
/// Where a store lives and its layout: <c>blobs/&lt;algorithm&gt;/&lt;hex&gt;</c> as in an OCI image layout,
/// <c>ingest/</c> for temp files on the same filesystem (so a commit is a rename), <c>images.json</c> for
/// names, <c>locks/</c> for the flock files several kiln processes share.
/// </summary>
public sealed record StoreRoot
{
    public const string EnvironmentVariable = "KILN_ROOT";
    public const string SystemDefault = "/var/lib/kiln";

    public StoreRoot(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string BlobsPath => System.IO.Path.Combine(Path, "blobs");

    public string IngestPath => System.IO.Path.Combine(Path, "ingest");

    public string LocksPath => System.IO.Path.Combine(Path, "locks");

    public string ImagesFile => System.IO.Path.Combine(Path, "images.json");

    /// <summary>The root for this process: <c>--root</c>, else <c>KILN_ROOT</c>, else the default for the user.</summary>
    public static StoreRoot Resolve(string? option) =>
        Resolve(option, Environment.GetEnvironmentVariable, Environment.IsPrivilegedProcess, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>
    /// The resolution rules with the environment passed in: <c>--root</c>, else <c>KILN_ROOT</c>, else
    /// <c>/var/lib/kiln</c> for root, else <c>$XDG_DATA_HOME/kiln</c>, else <c>~/.local/share/kiln</c>.
    /// </summary>
    public static StoreRoot Resolve(string? option, Func<string, string?> environment, bool isRoot, string? home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(option))
        {
            return new StoreRoot(option);
        }

        if (environment(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return new StoreRoot(fromEnvironment);
        }

        if (isRoot)
        {
            return new StoreRoot(SystemDefault);
        }

        // The XDG base directory spec: a relative $XDG_DATA_HOME is invalid and must be ignored.
        // https://specifications.freedesktop.org/basedir-spec/0.8/#variables
        if (environment("XDG_DATA_HOME") is { Length: > 0 } dataHome && System.IO.Path.IsPathRooted(dataHome))
        {
            return new StoreRoot(System.IO.Path.Combine(dataHome, "kiln"));
        }

        if (string.IsNullOrEmpty(home))
        {
            throw new InvalidOperationException("no store root: pass --root or set KILN_ROOT (neither XDG_DATA_HOME nor a home directory is known)");
        }

        return new StoreRoot(System.IO.Path.Combine(home, ".local", "share", "kiln"));
    }

    /// <summary>The file a blob lives in; the digest is validated, so its parts are safe as path names.</summary>
    public string BlobPath(Kiln.Oci.Digest digest)
    {
        if (digest.IsEmpty)
        {
            throw new ArgumentException("an empty digest names no blob", nameof(digest));
        }

        return System.IO.Path.Combine(BlobsPath, digest.Algorithm, digest.Encoded);
    }
}
