namespace Kiln.Runtime.Linux.Spec;

/// <summary>
/// Cgroup limits for one container, in the OCI runtime spec's terms (<c>linux.resources</c>, config-linux.md): what
/// docker's <c>--memory</c>, <c>--memory-swap</c>, <c>--cpu-shares</c>, <c>--cpu-period</c>, <c>--cpu-quota</c>,
/// <c>--cpuset-cpus</c>, <c>--cpuset-mems</c> and <c>--pids-limit</c> set. Null is "not limited".
/// </summary>
public sealed record ResourceLimits
{
    public static ResourceLimits None { get; } = new();

    /// <summary>Bytes of memory (page cache included).</summary>
    public long? Memory { get; init; }

    /// <summary>Memory plus swap in bytes, -1 for unlimited swap (cgroup v1's memsw; the runtimes convert it for v2).</summary>
    public long? MemorySwap { get; init; }

    /// <summary>The relative CPU weight (cgroup v1's cpu.shares, 1024 by default; the runtimes convert it to v2's cpu.weight).</summary>
    public ulong? CpuShares { get; init; }

    /// <summary>The CFS period in microseconds.</summary>
    public ulong? CpuPeriod { get; init; }

    /// <summary>Microseconds of CPU time per period.</summary>
    public long? CpuQuota { get; init; }

    /// <summary>The CPUs the processes may run on, as the kernel lists them (<c>0-3,5</c>).</summary>
    public string? CpusetCpus { get; init; }

    /// <summary>The memory nodes the processes may allocate on.</summary>
    public string? CpusetMems { get; init; }

    /// <summary>Processes and threads, at most; -1 for unlimited.</summary>
    public long? Pids { get; init; }

    /// <summary>
    /// Whether <see cref="Pids"/> is kiln's default rather than the user's: it is applied where the host lets kiln make
    /// a pids cgroup, and left out silently where not, when nothing else needs a cgroup.
    /// </summary>
    public bool PidsIsDefault { get; init; }

    public bool IsEmpty => !NeedsMemory && !NeedsCpu && !NeedsCpuset && Pids is null;

    /// <summary>Only the default pids limit: a host without cgroups for it still runs the container, unlimited.</summary>
    public bool IsOptional => !NeedsMemory && !NeedsCpu && !NeedsCpuset && PidsIsDefault;

    public bool NeedsMemory => Memory is not null || MemorySwap is not null;

    public bool NeedsCpu => CpuShares is not null || CpuPeriod is not null || CpuQuota is not null;

    public bool NeedsCpuset => CpusetCpus is not null || CpusetMems is not null;
}
