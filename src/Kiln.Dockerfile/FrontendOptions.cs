using System.Collections.Immutable;
using Kiln.Dockerfile.Stages;

namespace Kiln.Dockerfile;

/// <summary>What the user asked for on the command line that changes how a Dockerfile binds.</summary>
/// <param name="BuildArgs">The <c>--build-arg</c> values, already resolved (a bare <c>K</c> took its value from the environment).</param>
/// <param name="Target">The <c>--target</c> stage, or null for the last stage.</param>
public sealed record FrontendOptions(ImmutableDictionary<string, string> BuildArgs, string? Target)
{
    public static FrontendOptions Default { get; } = new(ImmutableDictionary<string, string>.Empty, null);

    /// <summary>The platform images are built for: <c>TARGETPLATFORM</c> and its parts.</summary>
    public Platform TargetPlatform { get; init; } = Platform.Host;

    /// <summary>
    /// <c>--build-context</c>: what each name stands for when a stage is named so (the stage is replaced) or FROM and
    /// <c>--from</c> name it (BuildKit's named contexts); null when there are none.
    /// </summary>
    public NamedContextLookup? NamedContexts { get; init; }
}
