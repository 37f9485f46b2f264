using System.Collections.Immutable;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Ports;

/// <summary>One RUN, as the OCI runtime is to start it.</summary>
/// <param name="Args">The process's argv, the shell already put in front for the shell form.</param>
/// <param name="Env">KEY=VALUE, the stage's ENV then the build ARGs in scope that ENV does not set.</param>
/// <param name="WorkingDir">Absolute, inside the root.</param>
/// <param name="User">The USER value as written (<c>name[:group]</c> or ids), resolved by the executor in the root; empty = root.</param>
/// <param name="Network">The step's network: <see cref="RunNetwork.Default"/> has already been replaced by the build's.</param>
public sealed record ExecRequest(
    IRootfsMount Root,
    ImmutableArray<string> Args,
    ImmutableArray<string> Env,
    string WorkingDir,
    string User,
    RunNetwork Network,
    string Hostname)
{
    /// <summary>Read-only files mounted for this run only (see <see cref="ExecFile"/>).</summary>
    public ImmutableArray<ExecFile> Files { get; init; } = [];

    /// <summary><c>RUN --mount</c> cache and tmpfs mounts.</summary>
    public ImmutableArray<ExecMount> Mounts { get; init; } = [];

    /// <summary><c>RUN --security=insecure</c>: a privileged container (every capability, host devices, writable /sys).</summary>
    public bool Insecure { get; init; }

    /// <summary><c>--add-host</c> entries for the container's /etc/hosts, in order.</summary>
    public ImmutableArray<ExtraHost> ExtraHosts { get; init; } = [];

    /// <summary><c>--shm-size</c> in bytes; null for the default.</summary>
    public long? ShmSize { get; init; }

    /// <summary><c>--ulimit</c> rlimits.</summary>
    public ImmutableArray<RunLimit> Ulimits { get; init; } = [];

    /// <summary>Cgroup limits (<c>--memory</c>, <c>--cpus</c>, <c>--pids-limit</c>, ...).</summary>
    public RunResources Resources { get; init; } = RunResources.None;
}
