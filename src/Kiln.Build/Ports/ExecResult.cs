namespace Kiln.Build.Ports;

/// <summary>How a RUN's process ended, and what its limits (<see cref="RunResources"/>) did to it.</summary>
/// <param name="ExitCode">The process's exit code (128+N for a signal).</param>
public sealed record ExecResult(int ExitCode)
{
    /// <summary>Processes the kernel's OOM killer killed at the step's memory limit.</summary>
    public long OomKills { get; init; }

    /// <summary>Forks the step's pids limit refused.</summary>
    public long ForksRefused { get; init; }

    /// <summary>The pids limit that held: the build's, or the executor's default; null for none.</summary>
    public long? PidsLimit { get; init; }
}
