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

    /// <summary>Independent stages built at once: the cores, at least 2.</summary>
    public int Parallelism { get; init; } = Math.Max(2, Environment.ProcessorCount);
}
