namespace Kiln.Cli.Tests;

/// <summary>A flag a command does not have is named, as docker names it; docker build's flags Kiln lacks say "not supported yet".</summary>
public sealed class UnknownFlagTests
{
    [Theory]
    [InlineData("ERROR: kiln build: unknown flag: --frobnicate", "build", "--frobnicate", ".")]
    [InlineData("ERROR: kiln build: unknown flag: --frobnicate", "build", "--frobnicate=1", "-t", "x", ".")]
    [InlineData("ERROR: kiln build: --squash is not supported yet", "build", "--squash", "-t", "x", ".")]
    [InlineData("ERROR: kiln build: --cache-from is not supported yet", "build", "-q", "--cache-from", "type=local,src=c", ".")]
    [InlineData("ERROR: kiln build: --load is not supported yet (images are in the local store already)", "build", "--load", ".")]
    [InlineData("ERROR: kiln build: --cache-to is not supported yet", "build", "--no-cache", "--cache-to", "type=local,dest=c", ".")]
    [InlineData("ERROR: kiln images: unknown flag: --bogus", "images", "--bogus")]
    [InlineData("ERROR: kiln tag: unknown flag: --x", "tag", "--x", "a", "b")]
    [InlineData("ERROR: kiln debug dump-ast: unknown flag: --json", "debug", "dump-ast", "--json", "Dockerfile")]
    public void An_unknown_flag_is_named_and_nothing_runs(string expected, params string[] args)
    {
        var run = CliRun.Of(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Output);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, lines[0]);
        Assert.Equal($"See 'kiln {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))} --help'.", lines[1]);
    }

    [Fact]
    public void A_dash_value_of_an_option_is_not_taken_for_a_flag()
    {
        var run = CliRun.Of("build", "--check", "--build-arg", "-x", "/nonexistent-context");

        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain("flag", run.Error, StringComparison.Ordinal);
        Assert.Contains("/nonexistent-context does not exist", run.Error, StringComparison.Ordinal);
    }
}
