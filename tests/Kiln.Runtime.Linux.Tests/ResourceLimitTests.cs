using System.Collections.Concurrent;
using System.Globalization;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Spec;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>
/// Cgroup limits on real containers, with crun and with runc, on this host's cgroups (v1 here: kiln makes the step's
/// cgroup and sets the limits itself; see <see cref="StepCgroup"/>).
/// </summary>
public sealed class ResourceLimitTests
{
    public static TheoryData<string> Runtimes => new() { "crun", "runc" };

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task The_limits_are_on_the_cgroup_the_container_runs_in_and_it_is_gone_afterwards(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());
        var limits = new ResourceLimits
        {
            Memory = 96 << 20,
            MemorySwap = 96 << 20,
            CpuPeriod = 100_000,
            CpuQuota = 50_000,
            CpuShares = 512,
            CpusetCpus = "0",
            Pids = 123,
        };

        var seen = await ReadCgroupFilesWhileRunningAsync(sandbox, runtime, limits);

        Assert.Equal(runtime == "crun" ? "124" : "123", seen["pids/pids.max"]); // crun's own process waits in the cgroup too
        Assert.Equal((96 << 20).ToString(CultureInfo.InvariantCulture), seen["memory/memory.limit_in_bytes"]);
        Assert.Equal((96 << 20).ToString(CultureInfo.InvariantCulture), seen["memory/memory.memsw.limit_in_bytes"]);
        Assert.Equal("100000", seen["cpu/cpu.cfs_period_us"]);
        Assert.Equal("50000", seen["cpu/cpu.cfs_quota_us"]);
        Assert.Equal("512", seen["cpu/cpu.shares"]);
        Assert.Equal("0", seen["cpuset/cpuset.cpus"]);
        foreach (var controller in new[] { "pids", "memory", "cpu", "cpuset" })
        {
            Assert.False(Directory.Exists(seen["dir:" + controller]), $"{seen["dir:" + controller]} is left");
        }
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task The_default_pids_limit_is_set_and_nothing_else(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());

        var seen = await ReadCgroupFilesWhileRunningAsync(sandbox, runtime, new ResourceLimits { Pids = ProcessLimits.DefaultPids, PidsIsDefault = true });

        Assert.Equal((ProcessLimits.DefaultPids + (runtime == "crun" ? 1 : 0)).ToString(CultureInfo.InvariantCulture), seen["pids/pids.max"]);
        var own = File.ReadAllText(Path.Combine(HostCgroups.OwnV1Directory("memory")!, "memory.limit_in_bytes")).Trim();
        Assert.Equal(own, seen["memory/memory.limit_in_bytes"]);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task A_step_that_forks_two_thousand_processes_is_stopped_at_the_pids_limit(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());
        var started = DateTime.UtcNow;

        // Without the limit this starts 2000 processes that sleep for a minute.
        var result = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell(
            "i=0; while [ $i -lt 2000 ]; do sleep 60 & i=$((i+1)); done; echo all started; wait") with { Limits = new ResourceLimits { Pids = 50 } });

        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("all started", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("can't fork", result.Stderr, StringComparison.Ordinal);
        Assert.True(result.ForksRefused > 0, $"forks refused: {result.ForksRefused}, stderr: {result.Stderr}");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(50), "the step did not end when its shell could not fork");
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task The_pids_limit_is_what_the_step_gets_whatever_the_runtime(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());

        var result = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell(
            "i=0; while [ $i -lt 30 ]; do sleep 5 & i=$((i+1)); echo $i; done") with { Limits = new ResourceLimits { Pids = 10 } });

        // The shell and 9 sleeps.
        Assert.Equal("9", result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.Equal(1, result.ForksRefused);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task A_step_that_needs_more_memory_than_its_limit_is_killed_and_the_kill_is_counted(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());

        // The shell holds 200 MB in a variable, over a limit of 32 MiB (memory and swap alike).
        var result = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell(
            "a=$(head -c 200000000 /dev/zero | tr '\\0' x); echo survived ${#a}") with { Limits = new ResourceLimits { Memory = 32 << 20, MemorySwap = 32 << 20 } });

        Assert.Equal(137, result.ExitCode);
        Assert.DoesNotContain("survived", result.Stdout, StringComparison.Ordinal);
        Assert.True(result.OomKills > 0, $"OOM kills: {result.OomKills}");
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task A_step_within_its_limits_runs_as_without_them(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());

        var result = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell(
            "a=$(head -c 1000000 /dev/zero | tr '\\0' x); for i in 1 2 3; do true & done; wait; echo ${#a}") with { Limits = new ResourceLimits { Memory = 64 << 20, Pids = 20 } });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["1000000"], result.Lines);
        Assert.Equal(0, result.OomKills);
        Assert.Equal(0, result.ForksRefused);
    }

    /// <summary>
    /// Runs a container that prints its /proc/self/cgroup and sleeps, and reads the named files of each of its v1
    /// cgroups meanwhile ("pids/pids.max"); "dir:pids" is the directory.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>> ReadCgroupFilesWhileRunningAsync(Sandbox sandbox, string runtime, ResourceLimits limits)
    {
        var files = new[]
        {
            "pids/pids.max", "memory/memory.limit_in_bytes", "memory/memory.memsw.limit_in_bytes", "cpu/cpu.cfs_period_us",
            "cpu/cpu.cfs_quota_us", "cpu/cpu.shares", "cpuset/cpuset.cpus",
        };
        var seen = new ConcurrentDictionary<string, string>();
        var io = new ContainerIo
        {
            OnLine = (_, line) =>
            {
                // "4:memory:/PATH" -> /sys/fs/cgroup/memory/PATH (this host mounts each v1 hierarchy from its root).
                var fields = line.Split(':', 3);
                if (fields.Length != 3)
                {
                    return;
                }

                foreach (var controller in fields[1].Split(','))
                {
                    var directory = "/sys/fs/cgroup/" + controller + fields[2];
                    seen["dir:" + controller] = directory;
                    foreach (var file in files.Where(f => f.StartsWith(controller + "/", StringComparison.Ordinal)))
                    {
                        seen[file] = File.ReadAllText(Path.Combine(directory, file[(controller.Length + 1)..])).Trim();
                    }
                }
            },
        };
        var run = SandboxHarness.Shell("cat /proc/self/cgroup; sleep 1") with { Limits = limits };

        var exit = await sandbox.RunAsync(new ContainerRunner(OciRuntime.Locate(runtime)), run, io, CancellationToken.None);

        Assert.Equal(0, exit.Code);
        return seen;
    }
}
