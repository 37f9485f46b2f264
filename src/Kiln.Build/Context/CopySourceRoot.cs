using Kiln.Dockerfile.Ignore;

namespace Kiln.Build.Context;

/// <summary>
/// Where COPY/ADD sources are read from: the build context, another stage's root or an image root. All of them are
/// "a directory that acts as /" plus a visibility rule; sources never resolve outside it.
/// </summary>
public sealed class CopySourceRoot
{
    private CopySourceRoot(string path, PatternMatcher? ignore, bool resetOwnership, string description)
    {
        Path = path;
        Ignore = ignore;
        ResetOwnership = resetOwnership;
        Description = description;
    }

    public string Path { get; }

    /// <summary>Paths this matcher matches are invisible (the build context's .dockerignore).</summary>
    public PatternMatcher? Ignore { get; }

    /// <summary>
    /// True for the build contexts: Docker's client resets uid/gid to 0 when it sends a context, so context files
    /// land as 0:0 unless --chown says otherwise. Files from a stage or an image keep their owners.
    /// </summary>
    public bool ResetOwnership { get; }

    /// <summary>For messages: "build context", "stage builder", ...</summary>
    public string Description { get; }

    public bool IsContext => ResetOwnership;

    /// <summary>The build context, or a named one (<c>--build-context</c>), which <paramref name="description"/> then names.</summary>
    public static CopySourceRoot FromContext(BuildContext context, string description = "build context")
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(description);
        return new CopySourceRoot(context.Directory, context.Ignore, resetOwnership: true, description);
    }

    /// <summary>A stage's or an image's root filesystem (<c>COPY --from</c>).</summary>
    public static CopySourceRoot FromDirectory(string root, string description)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(description);
        return new CopySourceRoot(System.IO.Path.GetFullPath(root), null, resetOwnership: false, description);
    }
}
