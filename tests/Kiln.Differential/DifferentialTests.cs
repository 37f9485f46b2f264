using Kiln.Differential.Comparison;
using Kiln.Differential.Suite;
using Xunit.Abstractions;

namespace Kiln.Differential;

/// <summary>
/// Each corpus case built by Kiln and by BuildKit (dockerd 20.10 and Docker 26, see scripts/oracles), the images
/// compared: config, history, layers and every file. Where the two BuildKits disagree, 26 (current BuildKit) is the
/// reference and 20.10's difference is an <c>oracle</c> expectation of the case. With <c>KILN_DIFF_REPORTS=DIR</c>
/// each case's report is also written to DIR/CASE.ORACLE.txt.
/// </summary>
public sealed class DifferentialTests(DifferentialRun run, ITestOutputHelper output) : IClassFixture<DifferentialRun>
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in CorpusCase.Names())
        {
            foreach (var oracle in CorpusCase.Load(name).Oracles)
            {
                data.Add(name, oracle);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Kiln_builds_what_BuildKit_builds(string @case, string oracle)
    {
        var corpusCase = CorpusCase.Load(@case);
        var kiln = await run.OutcomeAsync(@case, "kiln");
        var reference = await run.OutcomeAsync(@case, oracle);

        var verdict = Verdict.Of(corpusCase, oracle, ImageComparison.Compare(kiln, reference, corpusCase));

        var compared = kiln.Image is { } image ? $"{image.Filesystem.Paths.Count} paths in {image.Layers.Count} layers compared; " : "";
        var refused = corpusCase.Fails ? $"refused: kiln: {kiln.Error ?? "(built)"} | {oracle}: {reference.Error ?? "(built)"}\n" : "";
        var times = $"{refused}{compared}build times: kiln {kiln.Elapsed.TotalSeconds:F1} s, {oracle} {reference.Elapsed.TotalSeconds:F1} s";
        output.WriteLine(verdict.Report);
        output.WriteLine(times);
        if (Environment.GetEnvironmentVariable("KILN_DIFF_REPORTS") is { Length: > 0 } reports)
        {
            Directory.CreateDirectory(reports);
            await File.WriteAllTextAsync(Path.Combine(reports, $"{@case}.{oracle}.txt"), verdict.Report + times + "\n");
        }

        Assert.True(verdict.Passed, verdict.Report);
    }
}
