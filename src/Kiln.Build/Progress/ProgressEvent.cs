namespace Kiln.Build.Progress;

/// <summary>
/// What a build reports while it runs, BuildKit's vertex model: a numbered vertex starts, logs lines, and ends
/// cached, done or failed. Renderers (plain lines, a live tree) live in the CLI.
/// </summary>
public abstract record ProgressEvent(int Vertex)
{
    /// <summary>A vertex started. <paramref name="Name"/> is what BuildKit prints (<c>[builder 4/8] RUN go mod download</c>).</summary>
    public sealed record Started(int Vertex, string Name) : ProgressEvent(Vertex);

    /// <summary>A line of output, <paramref name="Elapsed"/> after the vertex started.</summary>
    public sealed record Log(int Vertex, TimeSpan Elapsed, string Line) : ProgressEvent(Vertex);

    /// <summary>The step's result came from the cache: nothing ran.</summary>
    public sealed record Cached(int Vertex) : ProgressEvent(Vertex);

    public sealed record Completed(int Vertex, TimeSpan Duration) : ProgressEvent(Vertex);

    /// <summary>Stopped because another step failed (or the user pressed Ctrl-C).</summary>
    public sealed record Canceled(int Vertex, TimeSpan Duration) : ProgressEvent(Vertex);

    public sealed record Failed(int Vertex, TimeSpan Duration, string Message) : ProgressEvent(Vertex);
}
