using System.Collections.Immutable;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>What a container should run and how: the input of <see cref="RuntimeSpec.Create"/>.</summary>
public sealed record SandboxSpec
{
    public required string RootPath { get; init; }

    public required ImmutableArray<string> Args { get; init; }

    /// <summary><c>KEY=VALUE</c>, final (defaults such as PATH already applied, see <see cref="RuntimeSpec.DefaultEnvironment"/>).</summary>
    public ImmutableArray<string> Env { get; init; } = [];

    public string Cwd { get; init; } = "/";

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public ImmutableArray<uint> AdditionalGids { get; init; } = [];

    public string Hostname { get; init; } = "kiln";

    /// <summary>RLIMIT_NOFILE, soft and hard.</summary>
    public ulong NoFileLimit { get; init; } = RuntimeSpec.NoFileLimit;

    public NetworkMode Network { get; init; } = NetworkMode.Host;

    /// <summary>A file bind-mounted read-only as <c>/etc/hosts</c>; none when null.</summary>
    public string? HostsFile { get; init; }

    /// <summary>A file bind-mounted read-only as <c>/etc/resolv.conf</c>; none when null.</summary>
    public string? ResolvConfFile { get; init; }

    /// <summary><c>RUN --mount</c> cache and tmpfs mounts, after the system mounts.</summary>
    public ImmutableArray<RunVolume> Volumes { get; init; } = [];

    /// <summary>Mounted in this order after every other mount, so that one under <c>/dev</c> lands on the container's tmpfs.</summary>
    public ImmutableArray<ReadOnlyBind> ReadOnlyBinds { get; init; } = [];

    /// <summary>
    /// A privileged container (<c>RUN --security=insecure</c>), as BuildKit's insecure mode makes it: every capability
    /// kiln holds, the host's devices, a writable /sys, and no masked or read-only paths.
    /// </summary>
    public bool Privileged { get; init; }

    /// <summary>The size of /dev/shm in bytes; null for docker's 64 MiB.</summary>
    public long? ShmSize { get; init; }

    /// <summary>Rlimits besides RLIMIT_NOFILE (<see cref="NoFileLimit"/>), which one of that type replaces.</summary>
    public ImmutableArray<OciRlimit> Rlimits { get; init; } = [];

    /// <summary>Limits for the runtime to apply to the cgroup at <see cref="CgroupsPath"/> (cgroup v2); null for none.</summary>
    public ResourceLimits? Resources { get; init; }

    /// <summary>Where the runtime makes the container's cgroup; null for its default.</summary>
    public string? CgroupsPath { get; init; }
}
