namespace Kiln.Cli.Tests;

public sealed class DumpAstTests
{
    [Fact]
    public void The_example_dumps_in_buildkit_format()
    {
        var run = CliRun.Of("debug", "dump-ast", Repository.PathOf("examples", "go-operator", "Dockerfile"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith("(arg \"GOLANG_IMAGE=localhost/golang:1.19\")\n", run.Output, StringComparison.Ordinal);
        Golden.AssertMatches("dump-ast-example.txt", run.Output);
    }

    [Fact]
    public void A_missing_file_is_an_error()
    {
        var run = CliRun.Of("debug", "dump-ast", "/nonexistent/Dockerfile");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("failed to read", run.Error, StringComparison.Ordinal);
    }
}
