using System.Globalization;
using Kiln.Build.Progress;

namespace Kiln.Cli.Rendering;

/// <summary>
/// <c>--progress=plain</c>: numbered lines as BuildKit's plain printer writes them (<c>#7 [builder 4/8] RUN ...</c>,
/// <c>#7 0.512 output</c>, <c>#7 CACHED</c>, <c>#7 DONE 2.1s</c>), a blank line between vertices, and the
/// vertex's header again when output from parallel steps interleaves.
/// </summary>
internal sealed class PlainProgressRenderer(TextWriter output) : IProgressDisplay
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, string> _names = [];
    private int _current;

    public void Report(ProgressEvent progressEvent)
    {
        ArgumentNullException.ThrowIfNull(progressEvent);
        lock (_lock)
        {
            var vertex = progressEvent.Vertex;
            if (progressEvent is ProgressEvent.Started started)
            {
                _names[vertex] = started.Name;
            }

            if (vertex != _current)
            {
                if (_current != 0)
                {
                    output.WriteLine();
                }

                output.WriteLine(Invariant($"#{vertex} {_names.GetValueOrDefault(vertex, "")}"));
                _current = vertex;
            }

            switch (progressEvent)
            {
                case ProgressEvent.Log log:
                    output.WriteLine(Invariant($"#{vertex} {log.Elapsed.TotalSeconds:0.000} {log.Line}"));
                    break;
                case ProgressEvent.Cached:
                    output.WriteLine(Invariant($"#{vertex} CACHED"));
                    break;
                case ProgressEvent.Completed completed:
                    output.WriteLine(Invariant($"#{vertex} DONE {Seconds(completed.Duration)}"));
                    break;
                case ProgressEvent.Canceled:
                    output.WriteLine(Invariant($"#{vertex} CANCELED"));
                    break;
                case ProgressEvent.Failed failed:
                    output.WriteLine(Invariant($"#{vertex} ERROR: {failed.Message}"));
                    break;
            }

            output.Flush();
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>One decimal, as BuildKit's <c>DONE %.1fs</c>.</summary>
    internal static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
