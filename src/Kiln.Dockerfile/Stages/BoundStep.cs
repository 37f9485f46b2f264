using System.Collections.Immutable;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Stages;

/// <summary>
/// One instruction of a stage, variables expanded, with the build ARGs in scope at that point
/// (RUN sees them as environment variables; they are not stored in the image config).
/// </summary>
/// <param name="Sources">For COPY <c>--from</c> and RUN <c>--mount from=</c>: what each names, in order.</param>
public sealed record BoundStep(
    Instruction Instruction,
    ImmutableDictionary<string, string> Args,
    ImmutableArray<StageSource> Sources);
