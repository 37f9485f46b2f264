namespace Kiln.Build.Ports;

/// <summary>Where COPY/ADD takes its sources from.</summary>
public abstract record CopySource
{
    private CopySource()
    {
    }

    /// <summary>The build context (with its .dockerignore).</summary>
    public sealed record Context : CopySource;

    /// <summary>The root filesystem of another stage or an image (<c>--from</c>), mounted read-only.</summary>
    /// <param name="Name">How progress names it: the stage name or the image reference.</param>
    public sealed record Root(string Path, string Name) : CopySource;
}
