using System.Globalization;
using Kiln.Build.Progress;
using Spectre.Console;

namespace Kiln.Cli.Rendering;

/// <summary>
/// <c>--progress=tty</c>: a live tree of the build's vertices with their timings, the running ones with their
/// last lines of output (Spectre.Console's live display, redrawn ten times a second).
/// </summary>
internal sealed class TtyProgressRenderer : IProgressDisplay
{
    private const int LinesPerRunningStep = 3;

    private readonly Lock _lock = new();
    private readonly List<VertexState> _vertices = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TtyProgressRenderer(TextWriter error)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
        });
        _loop = console.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
        {
            while (!_stop.IsCancellationRequested)
            {
                context.UpdateTarget(Render());
                try
                {
                    await Task.Delay(100, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            context.UpdateTarget(Render());
        });
    }

    public void Report(ProgressEvent progressEvent)
    {
        ArgumentNullException.ThrowIfNull(progressEvent);
        lock (_lock)
        {
            if (progressEvent is ProgressEvent.Started started)
            {
                _vertices.Add(new VertexState(started.Vertex, started.Name, Environment.TickCount64));
                return;
            }

            var vertex = _vertices.Find(v => v.Number == progressEvent.Vertex);
            if (vertex is null)
            {
                return;
            }

            switch (progressEvent)
            {
                case ProgressEvent.Log log:
                    vertex.Lines.Enqueue(log.Line);
                    while (vertex.Lines.Count > LinesPerRunningStep)
                    {
                        vertex.Lines.Dequeue();
                    }

                    break;
                case ProgressEvent.Cached:
                    vertex.Status = "CACHED";
                    break;
                case ProgressEvent.Completed completed:
                    vertex.Status = "DONE";
                    vertex.Duration = completed.Duration;
                    break;
                case ProgressEvent.Canceled canceled:
                    vertex.Status = "CANCELED";
                    vertex.Duration = canceled.Duration;
                    break;
                case ProgressEvent.Failed failed:
                    vertex.Status = "ERROR";
                    vertex.Duration = failed.Duration;
                    vertex.Lines.Enqueue(failed.Message);
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private Tree Render()
    {
        lock (_lock)
        {
            var tree = new Tree(new Markup("[bold]Building[/]"));
            foreach (var vertex in _vertices)
            {
                var running = vertex.Status is null;
                var elapsed = vertex.Duration ?? TimeSpan.FromMilliseconds(Environment.TickCount64 - vertex.StartedAt);
                var (mark, colour) = vertex.Status switch
                {
                    null => ("=>", "yellow"),
                    "CACHED" => ("✔", "blue"),
                    "DONE" => ("✔", "green"),
                    "CANCELED" => ("✖", "grey"),
                    _ => ("✖", "red"),
                };
                var label = string.Create(
                    CultureInfo.InvariantCulture,
                    $"[{colour}]{mark}[/] {Markup.Escape(vertex.Name)} [grey]{(vertex.Status == "CACHED" ? "CACHED" : $"{elapsed.TotalSeconds:0.0}s")}[/]");
                var node = tree.AddNode(new Markup(label));
                if (running || vertex.Status == "ERROR")
                {
                    foreach (var line in vertex.Lines)
                    {
                        node.AddNode(new Text(line, new Style(Color.Grey)));
                    }
                }
            }

            return tree;
        }
    }

    private sealed class VertexState(int number, string name, long startedAt)
    {
        public int Number { get; } = number;

        public string Name { get; } = name;

        public long StartedAt { get; } = startedAt;

        public string? Status { get; set; }

        public TimeSpan? Duration { get; set; }

        public Queue<string> Lines { get; } = new();
    }
}
