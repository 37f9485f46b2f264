namespace Kiln.Dockerfile.Stages;

/// <summary>What a stage starts from: nothing, an earlier stage, or an image.</summary>
public abstract record StageBase
{
    private StageBase()
    {
    }

    /// <summary><c>FROM scratch</c>: an empty filesystem and config.</summary>
    public sealed record Scratch : StageBase;

    /// <summary><c>FROM name</c> where name is an earlier stage of the same Dockerfile.</summary>
    public sealed record Stage(int Index) : StageBase;

    /// <summary><c>FROM reference</c>: an image from the local store or a registry.</summary>
    public sealed record Image(string Reference) : StageBase;

    /// <summary>
    /// <c>FROM name</c> where name is a <c>--build-context</c> directory (or a stage it replaces): an empty config
    /// and the directory's files as one layer.
    /// </summary>
    public sealed record Context(string Name) : StageBase;
}
