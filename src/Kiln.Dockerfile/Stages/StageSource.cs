namespace Kiln.Dockerfile.Stages;

/// <summary>
/// Where <c>COPY --from</c> or <c>RUN --mount from=</c> takes files: another stage of the Dockerfile,
/// or an image.
/// </summary>
public abstract record StageSource
{
    private StageSource()
    {
    }

    public sealed record Stage(int Index) : StageSource;

    public sealed record Image(string Reference) : StageSource;
}
