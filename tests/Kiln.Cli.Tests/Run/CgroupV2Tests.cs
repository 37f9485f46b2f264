namespace Kiln.Cli.Tests.Run;

/// <summary>
/// This machine is a cgroup v1 hybrid host; many are cgroup v2 only. A private mount namespace with cgroup2 mounted on
/// /sys/fs/cgroup is what kiln (and crun, runc) see on such a host: /proc/self/mountinfo says "unified". The published
/// binary builds a RUN step and runs the image there, with each runtime.
/// </summary>
public sealed class CgroupV2Tests
{
    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public async Task Builds_and_runs_where_sys_fs_cgroup_is_cgroup2(string runtime)
    {
        using var store = new BusyboxStore();
        var context = Path.Combine(store.Path, "context");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM " + BusyboxStore.Image + "\nRUN echo built > /built\n");
        var kiln = Repository.PathOf("artifacts", "kiln");
        Assert.True(File.Exists(kiln), $"{kiln} is missing: run scripts/publish (scripts/test does)");
        var script =
            "set -e; umount -l /sys/fs/cgroup; mount -t cgroup2 none /sys/fs/cgroup; " +
            "grep -q ' /sys/fs/cgroup .* - cgroup2 ' /proc/self/mountinfo; " +
            $"'{kiln}' --root '{store.Path}' build --progress=plain --runtime {runtime} -t v2:1 '{context}'; " +
            $"'{kiln}' --root '{store.Path}' run --runtime {runtime} --rm v2:1 cat /built";
        var stdout = await Tools.RunAsync("unshare", ["--mount", "--propagation", "private", "sh", "-c", script], timeout: TimeSpan.FromSeconds(60));
        Assert.EndsWith("built\n", stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// Here the unified hierarchy offers no pids or memory controller (this host binds them to cgroup v1): kiln's
    /// default pids limit is left out (the test above builds), a limit the user asked for is an error at the RUN.
    /// </summary>
    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public async Task A_limit_the_cgroup2_hierarchy_cannot_give_is_an_error_at_the_run(string runtime)
    {
        using var store = new BusyboxStore();
        var context = Path.Combine(store.Path, "context");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM " + BusyboxStore.Image + "\nRUN echo built > /built\n");
        var kiln = Repository.PathOf("artifacts", "kiln");
        Assert.True(File.Exists(kiln), $"{kiln} is missing: run scripts/publish (scripts/test does)");
        var script =
            "umount -l /sys/fs/cgroup; mount -t cgroup2 none /sys/fs/cgroup; " +
            "grep -qw memory /sys/fs/cgroup/cgroup.controllers && echo 'memory controller offered: the test cannot show the error' && exit 0; " +
            $"'{kiln}' --root '{store.Path}' build --progress=plain --runtime {runtime} --memory 64m '{context}' 2>&1; echo exit=$?";
        var stdout = await Tools.RunAsync("unshare", ["--mount", "--propagation", "private", "sh", "-c", script], timeout: TimeSpan.FromSeconds(60));

        Assert.Contains("ERROR: Dockerfile:2:1: the memory limit needs the memory cgroup controller, which this host's cgroup v2 hierarchy does not offer", stdout, StringComparison.Ordinal);
        Assert.EndsWith("exit=1\n", stdout, StringComparison.Ordinal);
    }
}
