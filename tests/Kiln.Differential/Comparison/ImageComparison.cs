using Kiln.Differential.Suite;

namespace Kiln.Differential.Comparison;

/// <summary>Kiln's outcome of a case against an oracle's: the lines that differ, "kiln X | buildkit Y" in each.</summary>
internal static class ImageComparison
{
    public static List<string> Compare(BuildOutcome kiln, BuildOutcome reference, CorpusCase corpusCase)
    {
        var differences = new List<string>();
        if (corpusCase.Fails)
        {
            if (kiln.Image is not null)
            {
                differences.Add($"build: kiln succeeded where buildkit {(reference.Image is null ? $"failed: {reference.Error}" : "was expected to fail and succeeded too")}");
            }
            else if (reference.Image is not null)
            {
                differences.Add($"build: buildkit succeeded where the case expects both to fail; kiln failed: {kiln.Error}");
            }

            return differences;
        }

        if (kiln.Image is null || reference.Image is null)
        {
            if (kiln.Image is not null || reference.Image is not null)
            {
                differences.Add(kiln.Image is null ? $"build: kiln failed: {kiln.Error}" : $"build: buildkit failed: {reference.Error}");
            }
            else
            {
                differences.Add($"build: both failed: kiln: {kiln.Error} | buildkit: {reference.Error}");
            }

            return differences;
        }

        ConfigComparison.Compare(kiln.Image.Config, reference.Image.Config, corpusCase.PinsTime, differences);
        FilesystemComparison.Compare(kiln.Image, reference.Image, differences);
        return differences;
    }
}
