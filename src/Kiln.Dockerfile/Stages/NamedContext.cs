namespace Kiln.Dockerfile.Stages;

/// <summary>
/// What a <c>--build-context NAME=VALUE</c> stands for where the Dockerfile names it (BuildKit's named contexts): an
/// image used in its place, or a directory of files the build reads as it reads the main context.
/// </summary>
public abstract record NamedContext
{
    private NamedContext()
    {
    }

    /// <summary><c>docker-image://REF</c>: the name means the image <paramref name="Reference"/>.</summary>
    public sealed record Image(string Reference) : NamedContext;

    /// <summary>A local directory. The frontend knows it by its name only: the engine reads the files.</summary>
    public sealed record Local(string Name) : NamedContext;
}
