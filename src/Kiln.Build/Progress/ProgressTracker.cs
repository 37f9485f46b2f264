namespace Kiln.Build.Progress;

/// <summary>
/// Numbers vertices in the order they start (BuildKit's <c>#N</c>) and times them with one clock, so that a fake
/// clock gives byte-identical output in tests.
/// </summary>
public sealed class ProgressTracker(IProgressSink sink, TimeProvider time)
{
    private int _next;

    public ProgressVertex Start(string name)
    {
        var number = Interlocked.Increment(ref _next);
        var vertex = new ProgressVertex(number, sink, time);
        sink.Report(new ProgressEvent.Started(number, name));
        return vertex;
    }
}
