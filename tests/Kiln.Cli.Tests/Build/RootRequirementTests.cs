namespace Kiln.Cli.Tests.Build;

/// <summary>The "needs root" paths, reached through an injected uid check instead of dropping privileges.</summary>
public sealed class RootRequirementTests : IDisposable
{
    private static readonly RootCheck NotRoot = new(() => false);

    private readonly string _root = Directory.CreateTempSubdirectory("kiln-noroot-").FullName;

    [Theory]
    [InlineData("FROM scratch\nRUN true\n")]
    [InlineData("FROM scratch\nCOPY a.txt /a.txt\n")]
    [InlineData("FROM scratch\nADD a.txt /a.txt\n")]
    [InlineData("FROM scratch AS files\nCOPY a.txt /\nFROM scratch\nLABEL x=y\nCOPY --from=files /a.txt /\n")]
    [InlineData("FROM scratch AS base\nONBUILD RUN true\nFROM base\nLABEL x=y\n")]
    public void A_build_with_a_sandbox_step_fails_early_without_root(string dockerfile)
    {
        var context = Context(dockerfile);

        var run = Kiln(NotRoot, "build", "--progress", "plain", context);

        Assert.Equal(ExitCodes.UserError, run.ExitCode);
        Assert.Equal("ERROR: kiln build needs root (overlayfs mounts and the OCI runtime); run it as root\n", run.Error);
        Assert.Empty(Kiln(NotRoot, "images", "-q").Output);
    }

    [Fact]
    public void A_build_without_sandbox_steps_in_the_target_runs_without_root()
    {
        var context = Context("FROM scratch AS unused\nRUN true\nFROM scratch\nLABEL x=y\nENV A=b\n");

        var run = Kiln(NotRoot, "build", "--progress", "plain", "-t", "labels:only", context);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.DoesNotContain("needs root", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dockerfile_with_errors_reports_them_rather_than_root()
    {
        var context = Context("FROM scratch\nRUN true\nFROB x\n");

        var run = Kiln(NotRoot, "build", "--progress", "plain", context);

        Assert.Equal(ExitCodes.UserError, run.ExitCode);
        Assert.DoesNotContain("needs root", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_fails_early_without_root()
    {
        var run = Kiln(NotRoot, "run", "--rm", "anything:latest", "true");

        Assert.Equal(Commands.RunCommand.ToolFailed, run.ExitCode);
        Assert.Equal("ERROR: kiln run needs root (overlayfs mounts and the OCI runtime); run it as root\n", run.Error);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Context(string dockerfile)
    {
        var context = Path.Combine(_root, "context");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), dockerfile);
        File.WriteAllText(Path.Combine(context, "a.txt"), "a\n");
        return context;
    }

    private CliRun Kiln(RootCheck rootCheck, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = KilnApp.Run(["--root", Path.Combine(_root, "store"), .. args], output, error, rootCheck);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
