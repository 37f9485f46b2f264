using System.Collections.Immutable;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Stages;

/// <summary>A stage with its FROM resolved and its instructions expanded.</summary>
/// <param name="Index">Position in the Dockerfile, from 0 (what <c>COPY --from=0</c> names).</param>
/// <param name="Name">The <c>AS</c> name, lower-cased, or null.</param>
/// <param name="From">The FROM instruction, its base name and platform expanded with the global ARGs.</param>
/// <param name="Platform">The <c>--platform</c> value, or null for the target platform.</param>
/// <param name="Dependencies">The stages this one needs built first, in order of first use, without repeats.</param>
public sealed record BoundStage(
    int Index,
    string? Name,
    FromInstruction From,
    StageBase Base,
    Platform? Platform,
    ImmutableArray<BoundStep> Steps,
    ImmutableArray<int> Dependencies)
{
    /// <summary>How progress output and errors name the stage: its name, else <c>stage-N</c>.</summary>
    public string DisplayName => Name ?? $"stage-{Index}";
}
