using Kiln.Build.Ports;
using Kiln.Build.Progress;
using Kiln.Build.Solver;
using Kiln.Build.Tests.Solver.Fakes;

namespace Kiln.Build.Tests.Solver;

/// <summary><c>kiln build --memory</c>, <c>--pids-limit</c> and the rest, as the solver hands them on and reports them.</summary>
public sealed class RunResourcesTests
{
    private static readonly RunResources Limits = new() { Memory = 64 << 20, CpuQuota = 50_000, CpuPeriod = 100_000, PidsLimit = 100 };

    private readonly SolverHarness _harness = new();

    [Fact]
    public async Task Every_run_gets_the_build_s_limits()
    {
        await _harness.BuildAsync(SolverHarness.Request("FROM scratch\nRUN one\nRUN two\n") with { Resources = Limits });

        Assert.Equal([Limits, Limits], _harness.Executor.Runs.Select(r => r.Resources));
    }

    [Fact]
    public async Task The_limits_are_not_part_of_a_run_s_cache_key()
    {
        const string dockerfile = "FROM scratch\nRUN one\n";
        await _harness.BuildAsync(SolverHarness.Request(dockerfile) with { Resources = Limits });

        await _harness.BuildAsync(SolverHarness.Request(dockerfile) with { Resources = Limits with { Memory = 1L << 30, PidsLimit = null } });
        var other = _harness.Progress.Ended<ProgressEvent.Cached>();
        await _harness.BuildAsync(SolverHarness.Request(dockerfile));
        var none = _harness.Progress.Ended<ProgressEvent.Cached>();

        Assert.Single(_harness.Executor.Runs);
        Assert.Contains("[2/2] RUN one", other);
        Assert.Contains("[2/2] RUN one", none);
    }

    [Fact]
    public async Task A_step_the_oom_killer_stopped_says_it_reached_its_memory_limit()
    {
        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync(SolverHarness.Request("FROM scratch\nRUN oom\n") with { Resources = Limits }));

        Assert.Equal(
            "process \"/bin/sh -c oom\" did not complete successfully: exit code: 137: cannot allocate memory: the step reached its memory limit of 64 MiB (--memory) and the kernel's OOM killer killed 1 of its processes",
            Assert.Single(error.Diagnostics).Message);
    }

    [Theory]
    [InlineData(100L, "its limit of 100 processes and threads (--pids-limit)")]
    [InlineData(null, "its limit of 4915 processes and threads (kiln's default for --pids-limit)")]
    public async Task A_step_whose_forks_were_refused_says_it_reached_its_pids_limit(long? pidsLimit, string expected)
    {
        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync(SolverHarness.Request("FROM scratch\nRUN forkfail\n") with { Resources = Limits with { PidsLimit = pidsLimit } }));

        Assert.Equal(
            $"process \"/bin/sh -c forkfail\" did not complete successfully: exit code: 2: the step reached {expected} and 3 new processes or threads were refused",
            Assert.Single(error.Diagnostics).Message);
    }
}
