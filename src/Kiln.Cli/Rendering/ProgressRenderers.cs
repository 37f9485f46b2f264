namespace Kiln.Cli.Rendering;

/// <summary><c>--progress</c>: tty draws a live tree, plain prints lines; auto is tty when stderr is a terminal.</summary>
internal static class ProgressRenderers
{
    public static IProgressDisplay Create(string mode, TextWriter error)
    {
        var terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        return mode switch
        {
            "tty" => new TtyProgressRenderer(error),
            "auto" when terminal => new TtyProgressRenderer(error),
            _ => new PlainProgressRenderer(error),
        };
    }
}
