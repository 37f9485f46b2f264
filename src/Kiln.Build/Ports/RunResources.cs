namespace Kiln.Build.Ports;

/// <summary>
/// Cgroup limits for every RUN of a build, as <c>docker build</c> takes them (<c>--memory</c>, <c>--memory-swap</c>,
/// <c>--cpu-shares</c>, <c>--cpu-period</c>, <c>--cpu-quota</c> or <c>--cpus</c>, <c>--cpuset-cpus</c>,
/// <c>--cpuset-mems</c>) and <c>--pids-limit</c> as <c>docker run</c> takes it. Null is "not set"; a build that sets
/// no pids limit gets the executor's default.
/// </summary>
/// <remarks>
/// Not part of a RUN's cache key, as BuildKit keeps them out of its (its LinuxResources are op metadata, not part
/// of the op): a limit does not change what a step makes, only whether it gets to make it, and a step it stops fails
/// and is not cached. A step that reads its own limits (nproc under a cpuset) sees them, in BuildKit as here.
/// </remarks>
public sealed record RunResources
{
    public static RunResources None { get; } = new();

    /// <summary>Bytes of memory.</summary>
    public long? Memory { get; init; }

    /// <summary>Memory plus swap in bytes; -1 for unlimited swap. Not set: the swap the host gives, as BuildKit leaves it.</summary>
    public long? MemorySwap { get; init; }

    public ulong? CpuShares { get; init; }

    /// <summary>Microseconds.</summary>
    public ulong? CpuPeriod { get; init; }

    /// <summary>Microseconds per period.</summary>
    public long? CpuQuota { get; init; }

    public string? CpusetCpus { get; init; }

    public string? CpusetMems { get; init; }

    /// <summary>Processes and threads; -1 for unlimited.</summary>
    public long? PidsLimit { get; init; }
}
