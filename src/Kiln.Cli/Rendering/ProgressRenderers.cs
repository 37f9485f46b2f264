namespace Kiln.Cli.Rendering;

/// <summary>
/// <c>--progress</c>: tty draws a live tree, plain prints lines; auto is tty when stderr is a terminal.
/// <c>--quiet</c> shows nothing (docker build -q): a failure is still reported, by the failure renderer.
/// </summary>
internal static class ProgressRenderers
{
    public static IProgressDisplay Create(string mode, bool quiet, TextWriter error)
    {
        if (quiet)
        {
            return new Silent();
        }

        var terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        return mode switch
        {
            "tty" => new TtyProgressRenderer(error),
            "auto" when terminal => new TtyProgressRenderer(error),
            _ => new PlainProgressRenderer(error),
        };
    }

    private sealed class Silent : IProgressDisplay
    {
        public void Report(Kiln.Build.Progress.ProgressEvent progressEvent)
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
