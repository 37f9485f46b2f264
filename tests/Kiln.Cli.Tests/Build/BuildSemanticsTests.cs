namespace Kiln.Cli.Tests.Build;

/// <summary>
/// Real builds (crun/runc on overlayfs) pinned to what BuildKit does with users and groups, each checked against the
/// lab's dockerd 20.10 and Docker 26 (BuildKit 0.13) and current BuildKit's source.
/// </summary>
public sealed class BuildSemanticsTests(BusyboxBase busybox) : IClassFixture<BusyboxBase>
{
    [Theory]
    [InlineData("USER 4294967295")]
    [InlineData("USER 1000:4294967295")]
    [InlineData("USER 2147483648")]
    public void A_user_id_out_of_range_fails_the_run_at_its_line_never_runs_as_root(string user)
    {
        using var w = Workspace($"FROM localhost/busybox:latest\n{user}\nRUN id -u\n");

        var build = w.Kiln("build", "--progress", "plain", w.Context);

        Assert.Equal(1, build.ExitCode);
        Assert.Contains("uids and gids must be in range 0-2147483647", build.Error, StringComparison.Ordinal);
        Assert.Contains("Dockerfile:3", build.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Kiln_run_refuses_a_user_id_out_of_range()
    {
        using var w = Workspace("FROM localhost/busybox:latest\n");

        var run = w.Kiln("run", "--rm", "--user", "4294967295", BuildWorkspace.Busybox, "id");

        Assert.Equal(Commands.RunCommand.ToolFailed, run.ExitCode);
        Assert.Contains("uids and gids must be in range 0-2147483647", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    private BuildWorkspace Workspace(string dockerfile)
    {
        var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", dockerfile.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n");
        w.Write("a.txt", "a\n");
        return w;
    }
}
