using System.CommandLine;
using Kiln.Cli.Commands;

namespace Kiln.Cli;

/// <summary>The <c>kiln</c> command tree. Thin: parses the command line and hands over to the libraries.</summary>
internal static class KilnApp
{
    public static RootCommand CreateRootCommand(TextWriter output, TextWriter error, RootCheck? rootCheck = null)
    {
        rootCheck ??= RootCheck.Real;
        var root = new RootCommand("Kiln builds OCI container images from Dockerfiles, with no daemon.");
        var global = new GlobalOptions();
        root.Subcommands.Add(BuildCommand.Create(global, output, error, rootCheck));
        root.Subcommands.Add(DebugCommand.Create(output, error));
        root.Options.Add(global.Root);
        root.Subcommands.Add(ImagesCommand.Create(global, output, error));
        root.Subcommands.Add(InspectCommand.Create(global, output, error));
        root.Subcommands.Add(HistoryCommand.Create(global, output, error));
        root.Subcommands.Add(TagCommand.Create(global, output, error));
        root.Subcommands.Add(RmCommand.Create(global, output, error));
        root.Subcommands.Add(PruneCommand.Create(global, output, error));
        root.Subcommands.Add(ImportCommand.Create(global, output, error));
        root.Subcommands.Add(SaveCommand.Create(global, output, error));
        root.Subcommands.Add(LoadCommand.Create(global, output, error));
        root.Subcommands.Add(PullCommand.Create(global, output, error));
        root.Subcommands.Add(PushCommand.Create(global, output, error));
        root.Subcommands.Add(LoginCommand.Create(global, output, error));
        root.Subcommands.Add(LogoutCommand.Create(global, output, error));
        root.Subcommands.Add(RunCommand.Create(global, output, error, rootCheck));
        root.Subcommands.Add(CpCommand.Create(global, output, error));
        return root;
    }

    /// <summary>
    /// Runs one command line. Signals are not handled here (<c>ProcessTerminationTimeout</c> is off): the process
    /// owns them (<see cref="TerminationSignals"/>) and cancels <paramref name="cancellationToken"/>, and the command
    /// is waited for to the end, so that its cleanup is never cut short.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, RootCheck? rootCheck = null, CancellationToken cancellationToken = default)
    {
        var root = CreateRootCommand(output, error, rootCheck);
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        var parse = root.Parse(RunCommand.SeparateContainerArguments(args));
        if (UnknownFlags.TryReport(parse, error))
        {
            return ExitCodes.UserError;
        }

        return parse.InvokeAsync(configuration, cancellationToken).GetAwaiter().GetResult();
    }
}
