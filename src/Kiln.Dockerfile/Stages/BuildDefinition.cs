using System.Collections.Immutable;

namespace Kiln.Dockerfile.Stages;

/// <summary>
/// A Dockerfile bound for one build: its stages, the target, and the order in which the target and
/// what it needs (nothing else) can be built.
/// </summary>
/// <param name="GlobalArgs">The ARGs declared before the first FROM, with their values for this build.</param>
/// <param name="Stages">Every stage of the file, needed or not.</param>
/// <param name="Target">The stage to build (<c>--target</c>, else the last one).</param>
/// <param name="BuildOrder">The stages the target needs, itself last, each after what it depends on.</param>
public sealed record BuildDefinition(
    ImmutableDictionary<string, string> GlobalArgs,
    ImmutableArray<BoundStage> Stages,
    BoundStage Target,
    ImmutableArray<BoundStage> BuildOrder);
