using System.Collections.Immutable;
using Kiln.Runtime.Linux.Spec;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>One command to run in a <see cref="Sandbox"/>.</summary>
public sealed record SandboxRun
{
    public required ImmutableArray<string> Args { get; init; }

    /// <summary>The image's environment with the step's additions; PATH, HOME and HOSTNAME are added when missing.</summary>
    public ImmutableArray<string> Env { get; init; } = [];

    /// <summary><c>USER</c> as written (<c>name[:group]</c>, ids allowed); null or empty is root.</summary>
    public string? User { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>Null: the first 12 hex digits of the container id, as docker does.</summary>
    public string? Hostname { get; init; }

    public NetworkMode Network { get; init; } = NetworkMode.Host;

    /// <summary>Read-only files for this run only (see <see cref="ContainerFile"/>).</summary>
    public ImmutableArray<ContainerFile> Files { get; init; } = [];

    /// <summary>Cache, tmpfs and bind mounts for this run only (<c>RUN --mount</c>).</summary>
    public ImmutableArray<Spec.RunVolume> Volumes { get; init; } = [];

    /// <summary>Secrets for this run only (<c>RUN --mount=type=secret</c>).</summary>
    public ImmutableArray<Spec.SecretFile> Secrets { get; init; } = [];

    /// <summary>A privileged container (<c>RUN --security=insecure</c>, see <see cref="Spec.SandboxSpec.Privileged"/>).</summary>
    public bool Privileged { get; init; }

    /// <summary>Lines (<c>IP\tHOST</c>) appended to the container's /etc/hosts (<c>--add-host</c>).</summary>
    public ImmutableArray<string> ExtraHosts { get; init; } = [];

    /// <summary>The size of /dev/shm in bytes (<c>--shm-size</c>); null for docker's 64 MiB.</summary>
    public long? ShmSize { get; init; }

    /// <summary>Rlimits besides kiln's RLIMIT_NOFILE, which one of the same type replaces (<c>--ulimit</c>).</summary>
    public ImmutableArray<Spec.OciRlimit> Rlimits { get; init; } = [];

    /// <summary>Cgroup limits (<c>kiln build --memory</c>, <c>--cpus</c>, <c>--pids-limit</c>, ...); none by default.</summary>
    public Spec.ResourceLimits Limits { get; init; } = Spec.ResourceLimits.None;
}
