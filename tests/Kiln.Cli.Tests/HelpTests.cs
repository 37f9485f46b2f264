using System.CommandLine;

namespace Kiln.Cli.Tests;

public sealed class HelpTests
{
    /// <summary>Every command path of the tree, found by walking it, so a new command cannot miss its help.</summary>
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string> { string.Empty };
        void Walk(Command command, string path)
        {
            foreach (var sub in command.Subcommands)
            {
                var subPath = (path + " " + sub.Name).Trim();
                data.Add(subPath);
                Walk(sub, subPath);
            }
        }

        Walk(KilnApp.CreateRootCommand(TextWriter.Null, TextWriter.Null), string.Empty);
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void Every_command_has_a_description_and_help(string path)
    {
        var args = path.Split(' ', StringSplitOptions.RemoveEmptyEntries).Append("--help").ToArray();

        var run = CliRun.Of(args);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
        var description = run.Output.Split('\n')[1].Trim();
        Assert.True(description.Length > 10, $"'{path}' has no useful description: '{description}'");
    }

    [Fact]
    public void An_unknown_command_fails()
    {
        var run = CliRun.Of("bulid", ".");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("bulid", run.Error, StringComparison.Ordinal);
    }
}
