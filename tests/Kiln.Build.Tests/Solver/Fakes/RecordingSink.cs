using System.Collections.Concurrent;
using Kiln.Build.Progress;

namespace Kiln.Build.Tests.Solver.Fakes;

internal sealed class RecordingSink : IProgressSink
{
    private readonly ConcurrentQueue<ProgressEvent> _events = new();

    public IReadOnlyList<ProgressEvent> Events => [.. _events];

    public void Report(ProgressEvent progressEvent) => _events.Enqueue(progressEvent);

    public string NameOf(int vertex) => Events.OfType<ProgressEvent.Started>().Single(s => s.Vertex == vertex).Name;

    /// <summary>Names of the vertices that ended with an event of type <typeparamref name="T"/>.</summary>
    public IReadOnlyList<string> Ended<T>()
        where T : ProgressEvent => [.. Events.OfType<T>().Select(e => NameOf(e.Vertex))];
}
