namespace Kiln.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("root", new[] { "--help" })]
    [InlineData("build", new[] { "build", "--help" })]
    [InlineData("debug", new[] { "debug", "--help" })]
    [InlineData("debug-dump-ast", new[] { "debug", "dump-ast", "--help" })]
    public void Every_command_has_help(string name, string[] args)
    {
        var run = CliRun.Of(args);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
        Golden.AssertMatches($"help-{name}.txt", run.Output);
    }

    [Fact]
    public void Version_prints_the_assembly_version()
    {
        var run = CliRun.Of("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("0.1.0", run.Output.Trim());
    }

    [Fact]
    public void An_unknown_command_fails()
    {
        var run = CliRun.Of("bulid", ".");

        Assert.NotEqual(0, run.ExitCode);
    }
}
