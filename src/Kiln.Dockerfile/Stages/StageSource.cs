namespace Kiln.Dockerfile.Stages;

/// <summary>
/// Where <c>COPY --from</c> or <c>RUN --mount from=</c> takes files: another stage of the Dockerfile,
/// an image, or a <c>--build-context</c> directory.
/// </summary>
public abstract record StageSource
{
    private StageSource()
    {
    }

    public sealed record Stage(int Index) : StageSource;

    public sealed record Image(string Reference) : StageSource;

    /// <summary>A <c>--build-context</c> directory, read as the main build context is.</summary>
    public sealed record Context(string Name) : StageSource;
}
