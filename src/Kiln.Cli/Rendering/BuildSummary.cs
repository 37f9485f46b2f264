using Kiln.Build.Solver;

namespace Kiln.Cli.Rendering;

/// <summary>The end of a build: the image id, its size, and each stage's size (the builder pattern's point).</summary>
internal static class BuildSummary
{
    public static async Task WriteAsync(TextWriter output, BuildResult result)
    {
        await output.WriteLineAsync($"image {result.Image.ImageId} ({HumanUnits.Size(result.Image.Size)})").ConfigureAwait(false);
        var stages = string.Join(", ", result.Stages.Select(s => $"{s.Name}: {HumanUnits.Size(s.Size)}"));
        await output.WriteLineAsync($"stages: {stages}").ConfigureAwait(false);
    }
}
