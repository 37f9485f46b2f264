namespace Kiln.Build.Ports;

/// <summary>Where COPY/ADD takes its sources from.</summary>
public abstract record CopySource
{
    private CopySource()
    {
    }

    /// <summary>
    /// The build context (with its .dockerignore), or with <paramref name="Name"/> the <c>--build-context</c> directory of
    /// that name, read by the same rules (its own .dockerignore, owners reset to 0:0).
    /// </summary>
    public sealed record Context(string? Name = null) : CopySource;

    /// <summary>The root filesystem of another stage or an image (<c>--from</c>), mounted read-only.</summary>
    /// <param name="Name">How progress names it: the stage name or the image reference.</param>
    public sealed record Root(string Path, string Name) : CopySource;
}
