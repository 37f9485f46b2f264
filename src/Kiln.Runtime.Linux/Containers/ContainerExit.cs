namespace Kiln.Runtime.Linux.Containers;

/// <summary>How a container ended: its exit code (128+N for a signal), and what its cgroup's limits did to it.</summary>
/// <param name="Code">The exit code, as the runtime reports it.</param>
public sealed record ContainerExit(int Code)
{
    /// <summary>Processes the kernel's OOM killer killed because the container reached its memory limit.</summary>
    public long OomKills { get; init; }

    /// <summary>Forks (and clones of threads) the pids limit refused.</summary>
    public long ForksRefused { get; init; }
}
