using Kiln.Dockerfile;

namespace Kiln.Conformance.Frontend;

/// <summary>
/// The whole frontend (parse, instructions, stages) over BuildKit's parser testfiles: real-world
/// Dockerfiles, some of them deliberately odd. The parser corpus only pins the line parser; this pins
/// what the rest of the frontend makes of the same files, one verdict per file in a reviewed golden
/// file (<c>KILN_UPDATE_GOLDEN=1</c> rewrites it).
/// </summary>
public sealed class FrontendCorpusTests
{
    private static readonly string GoldenPath = Path.Combine(Corpus.RepositoryRoot, "tests", "Kiln.Conformance", "Frontend", "testfiles-verdicts.txt");

    public static TheoryData<string> Cases() => new(CaseNames());

    private static IEnumerable<string> CaseNames() =>
        Directory.GetDirectories(Corpus.PathOf("buildkit-parser", "testfiles")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_frontend_gives_each_testfile_its_reviewed_verdict(string name)
    {
        var expected = ReadGolden().GetValueOrDefault(name);
        var actual = Verdict(name);

        Assert.True(expected is not null, $"no verdict for {name} in {GoldenPath}; run with KILN_UPDATE_GOLDEN=1 and review");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_golden_file_is_complete()
    {
        if (Environment.GetEnvironmentVariable("KILN_UPDATE_GOLDEN") == "1")
        {
            var lines = CaseNames().Select(n => $"{n}\t{Verdict(n)}");
            File.WriteAllText(GoldenPath, string.Join("\n", lines) + "\n");
        }

        Assert.Equal(CaseNames().Count(), ReadGolden().Count);
    }

    /// <summary>"ok N stage(s)" or the sorted distinct error codes: the frontend's answer, never an exception.</summary>
    private static string Verdict(string name)
    {
        var text = File.ReadAllText(Corpus.PathOf("buildkit-parser", "testfiles", name, "Dockerfile"));
        var result = DockerfileFrontend.Check(text, FrontendOptions.Default);
        if (!result.HasErrors)
        {
            Assert.NotNull(result.Definition);
            return $"ok {result.Definition.Stages.Length} stage(s)";
        }

        Assert.Null(result.Definition);
        return "errors " + string.Join(",", result.Diagnostics.Where(d => d.IsError).Select(d => d.Code).Distinct().Order(StringComparer.Ordinal));
    }

    private static Dictionary<string, string> ReadGolden() =>
        File.Exists(GoldenPath)
            ? File.ReadAllLines(GoldenPath).Where(l => l.Length > 0).Select(l => l.Split('\t', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal)
            : [];
}
