using System.Collections.Immutable;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Solver;

/// <summary>One <c>kiln build</c>, as the command line asked for it.</summary>
/// <param name="DockerfileText">The Dockerfile, as read (from a file or stdin).</param>
/// <param name="Options">Build args (resolved) and target.</param>
/// <param name="NoCache"><c>--no-cache</c>: never look up the cache (entries are still written).</param>
/// <param name="Pull"><c>--pull</c>: always ask the registry for base images.</param>
/// <param name="SourceDateEpoch">From the build arg or the environment: clamps created times and layer mtimes.</param>
/// <param name="Labels"><c>--label</c>: set on the target's config, with no history entry (as BuildKit does).</param>
/// <param name="Network"><c>--network</c>: what RUN steps without their own <c>--network</c> get; Default is the host's.</param>
public sealed record BuildRequest(
    string DockerfileText,
    FrontendOptions Options,
    bool NoCache,
    bool Pull,
    DateTimeOffset? SourceDateEpoch,
    ImmutableSortedDictionary<string, string> Labels,
    RunNetwork Network)
{
    /// <summary>How the Dockerfile is named in progress lines (<c>load build definition from Dockerfile</c>).</summary>
    public string DockerfileName { get; init; } = "Dockerfile";

    /// <summary>
    /// Independent stages built at once. BuildKit starts every stage that is ready; so does Kiln, up to a cap that
    /// keeps a very wide fan-out from starting hundreds of containers. Not the core count: three CPU-bound stages
    /// on two cores finish in (total work / cores) when all three share them, but in two rounds (2 × one stage)
    /// when only two may run.
    /// </summary>
    public int Parallelism { get; init; } = Math.Max(16, 2 * Environment.ProcessorCount);

    /// <summary>
    /// <c>--secret</c> values by id, for <c>RUN --mount=type=secret</c>. Never part of a cache key, a layer or the
    /// image: a RUN sees them as a file (or a variable) for its run only.
    /// </summary>
    public ImmutableDictionary<string, ImmutableArray<byte>> Secrets { get; init; } = ImmutableDictionary<string, ImmutableArray<byte>>.Empty;

    /// <summary><c>--ssh</c> agent sockets by id, for <c>RUN --mount=type=ssh</c>; like secrets, never part of a key.</summary>
    public ImmutableDictionary<string, string> SshAgents { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary><c>--allow security.insecure</c>: RUN --security=insecure may run (BuildKit's entitlement).</summary>
    public bool AllowInsecure { get; init; }

    /// <summary><c>--no-cache-filter</c>: stages (by name) whose steps never look the cache up, as with --no-cache for them alone.</summary>
    public ImmutableHashSet<string> NoCacheStages { get; init; } = [];

    /// <summary><c>--add-host</c>: lines appended to every RUN's /etc/hosts, part of each RUN's cache key.</summary>
    public ImmutableArray<Ports.ExtraHost> ExtraHosts { get; init; } = [];

    /// <summary><c>--shm-size</c>: the size of every RUN's /dev/shm in bytes; null keeps docker's 64 MiB.</summary>
    public long? ShmSize { get; init; }

    /// <summary><c>--ulimit</c>: rlimits for every RUN (nofile replaces kiln's default).</summary>
    public ImmutableArray<Ports.RunLimit> Ulimits { get; init; } = [];

    /// <summary>
    /// <c>--memory</c>, <c>--cpus</c>, <c>--pids-limit</c> and the rest: cgroup limits for every RUN, not part of its
    /// cache key (see <see cref="Ports.RunResources"/>).
    /// </summary>
    public Ports.RunResources Resources { get; init; } = Ports.RunResources.None;
}
