using Kiln.Differential.Images;

namespace Kiln.Differential.Suite;

/// <summary>What one builder made of one case: the image, or why it failed.</summary>
internal sealed record BuildOutcome(string Builder, BuiltImage? Image, string? Error, TimeSpan Elapsed)
{
    public static BuildOutcome Failed(string builder, string error, TimeSpan elapsed) => new(builder, null, error, elapsed);
}
