namespace Kiln.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("build", "--help")]
    [InlineData("debug", "--help")]
    [InlineData("debug", "dump-ast", "--help")]
    public void Every_command_has_help(params string[] args)
    {
        var run = CliRun.Of(args);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_command_fails()
    {
        var run = CliRun.Of("bulid", ".");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("bulid", run.Error, StringComparison.Ordinal);
    }
}
