namespace Kiln.Cli.Tests;

public sealed class PublishedBinaryTests
{
    [Fact]
    public void Prints_its_version()
    {
        var run = KilnBinary.Run("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("0.1.0\n", run.Output);
    }

    [Theory]
    [InlineData("root", new[] { "--help" })]
    [InlineData("build", new[] { "build", "--help" })]
    [InlineData("debug", new[] { "debug", "--help" })]
    [InlineData("debug-dump-ast", new[] { "debug", "dump-ast", "--help" })]
    public void Every_command_has_help(string name, string[] args)
    {
        var run = KilnBinary.Run(args);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Description:", run.Output, StringComparison.Ordinal);
        Golden.AssertMatches($"help-{name}.txt", run.Output);
    }

    [Fact]
    public void Checks_the_example()
    {
        var example = Repository.PathOf("examples", "go-operator");

        var run = KilnBinary.Run("build", "--check", "-f", Path.Combine(example, "Dockerfile"), example);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("Check complete, no warnings found.\n", run.Output);
    }

    [Fact]
    public void Reads_the_Dockerfile_from_standard_input()
    {
        var run = KilnBinary.RunWithInput(["build", "--check", "-f", "-", Repository.PathOf("examples")], "FROM scratch\nCOPY --chmod=999 a b\n");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(">>> COPY --chmod=999 a b", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Dumps_the_example_ast_like_the_in_process_command()
    {
        var path = Repository.PathOf("examples", "go-operator", "Dockerfile");

        var run = KilnBinary.Run("debug", "dump-ast", path);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(CliRun.Of("debug", "dump-ast", path).Output, run.Output);
    }
}
