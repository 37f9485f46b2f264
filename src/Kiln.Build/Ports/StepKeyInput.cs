using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>Everything a step's cache key may depend on, as the solver knows it when the step is reached.</summary>
/// <param name="ConfigBefore">The stage's config before the step (Env, User, WorkingDir, Shell).</param>
/// <param name="Env">For RUN: the exact environment the process gets.</param>
/// <param name="SourceDigest">For COPY/ADD: the content digest of the selected sources.</param>
public sealed record StepKeyInput(
    BoundStep Step,
    ImageConfig ConfigBefore,
    System.Collections.Immutable.ImmutableArray<string> Env,
    Digest? SourceDigest,
    OciPlatform Platform)
{
    /// <summary>For RUN: the argv as run (the shell in front of the shell form).</summary>
    public System.Collections.Immutable.ImmutableArray<string> Args { get; init; } = [];

    /// <summary>For RUN: the read-only files mounted for the process (a <c>#!</c> heredoc script): the argv names only their path.</summary>
    public System.Collections.Immutable.ImmutableArray<ExecFile> Files { get; init; } = [];

    /// <summary>For RUN: the cache and tmpfs mounts (their options; a cache's content is not part of the key).</summary>
    public System.Collections.Immutable.ImmutableArray<ExecMount> Mounts { get; init; } = [];

    /// <summary>For RUN: the network the step gets (the build's default already applied).</summary>
    public Kiln.Dockerfile.Instructions.RunNetwork Network { get; init; }

    /// <summary>For RUN: <c>--add-host</c> entries, in order (they are in the container's /etc/hosts).</summary>
    public System.Collections.Immutable.ImmutableArray<ExtraHost> ExtraHosts { get; init; } = [];

    /// <summary>For RUN: <c>--shm-size</c> in bytes, or null.</summary>
    public long? ShmSize { get; init; }

    /// <summary>For RUN: <c>--ulimit</c> rlimits, in order.</summary>
    public System.Collections.Immutable.ImmutableArray<RunLimit> Ulimits { get; init; } = [];

    /// <summary>For WORKDIR: the resolved absolute directory.</summary>
    public string? Directory { get; init; }
}
