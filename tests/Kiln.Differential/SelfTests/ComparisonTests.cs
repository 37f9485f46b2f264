using System.Text.Json.Nodes;
using Kiln.Differential.Comparison;
using Kiln.Differential.Images;
using Kiln.Differential.Suite;
using static Kiln.Differential.SelfTests.FlatFilesystemTests;

namespace Kiln.Differential.SelfTests;

/// <summary>What the suite calls a difference, and how expectations explain differences and go stale.</summary>
public sealed class ComparisonTests
{
    private const long Pinned = PreparedCase.ContextTime;
    private const long Clock = 1_790_000_000;

    [Fact]
    public void Files_differ_field_by_field_on_one_line_per_path()
    {
        var kiln = Image([File("a", "one") with { Mode = 0x9ED, Uid = 1 }, File("same", "s"), File("only-kiln")]);
        var buildkit = Image([File("a", "two") with { Mode = 0x1ED }, File("same", "s"), Dir("only-buildkit"), File("only-buildkit/x")]);

        var differences = Compare(kiln, buildkit);

        Assert.Contains("/a: mode kiln 4755 | buildkit 0755; owner kiln 1:0 | buildkit 0:0; content kiln sha256:7692c3ad3540 \"one\" | buildkit sha256:3fc4ccfe7458 \"two\"", differences);
        Assert.Contains("/only-buildkit: only in buildkit: dir 0755 0:0 with 1 entries under it", differences);
        Assert.Contains("/only-kiln: only in kiln: file 0644 0:0 0 bytes sha256:e3b0c44298fc \"\"", differences);
        Assert.DoesNotContain(differences, d => d.StartsWith("/same", StringComparison.Ordinal) || d.StartsWith("/only-buildkit/x", StringComparison.Ordinal));
    }

    [Fact]
    public void Mtimes_count_where_a_case_pinned_one_but_a_directory_may_take_the_clock()
    {
        var kiln = Image([File("ctx") with { MtimeSeconds = Pinned }, File("run") with { MtimeSeconds = Clock }, Dir("etc") with { MtimeSeconds = Pinned }, File("clamped") with { MtimeSeconds = Pinned }]);
        var buildkit = Image([File("ctx") with { MtimeSeconds = Pinned }, File("run") with { MtimeSeconds = Clock + 5 }, Dir("etc") with { MtimeSeconds = Clock }, File("clamped") with { MtimeSeconds = Clock }]);

        Assert.Equal(["/clamped: mtime kiln 2023-11-14T22:13:20Z | buildkit 2026-09-21T14:13:20Z"], Compare(kiln, buildkit).Where(d => !d.StartsWith("layer", StringComparison.Ordinal)));
    }

    [Fact]
    public void Config_fields_compare_after_the_times_and_nulls_are_normalised()
    {
        var kiln = Image([], """{"created":"2026-01-01T00:00:00Z","config":{"Env":["A=1"],"User":"app"},"history":[{"created":"x","created_by":"ENV A=1","empty_layer":true},{"created_by":"RUN a"}],"rootfs":{"type":"layers","diff_ids":[]}}""");
        var buildkit = Image([], """{"created":"2027-01-01T00:00:00Z","config":{"Env":["A=1"],"User":"1000","OnBuild":null},"history":[{"created":"y","created_by":"ENV A=1","empty_layer":true},{"created_by":"RUN a","empty_layer":false}],"rootfs":{"type":"layers","diff_ids":[]}}""");

        Assert.Equal(["config.User: kiln \"app\" | buildkit \"1000\""], Compare(kiln, buildkit));
    }

    [Fact]
    public void An_unexplained_difference_fails_an_explained_one_passes_and_a_stale_expectation_fails()
    {
        var known = new ExpectedDifference { Kind = "known", Item = "wt-x: thing", Match = "^/a: mode", Why = "because" };
        var corpusCase = new CorpusCase { About = "self-test", Name = "self", Expected = [known] };

        Assert.True(Verdict.Of(corpusCase, "26", ["/a: mode kiln 0644 | buildkit 0755"]).Passed);
        var unexplained = Verdict.Of(corpusCase, "26", ["/a: mode kiln 0644 | buildkit 0755", "/b: only in kiln: file"]);
        Assert.False(unexplained.Passed);
        Assert.Contains("UNEXPECTED  /b: only in kiln", unexplained.Report, StringComparison.Ordinal);
        var fixedNow = Verdict.Of(corpusCase, "26", []);
        Assert.False(fixedNow.Passed);
        Assert.Contains("STALE  known wt-x: thing", fixedNow.Report, StringComparison.Ordinal);
        Assert.True(Verdict.Of(corpusCase with { Expected = [known with { Oracle = "20.10" }] }, "26", []).Passed);
    }

    [Fact]
    public void A_case_that_must_fail_passes_only_when_both_builders_refuse_it()
    {
        var corpusCase = new CorpusCase { About = "self-test", Name = "self", Fails = true };
        var image = Image([]);
        Assert.Empty(ImageComparison.Compare(BuildOutcome.Failed("kiln", "no", TimeSpan.Zero), BuildOutcome.Failed("26", "no", TimeSpan.Zero), corpusCase));
        Assert.Equal(
            ["build: kiln succeeded where buildkit failed: refused"],
            ImageComparison.Compare(new BuildOutcome("kiln", image, null, TimeSpan.Zero), BuildOutcome.Failed("26", "refused", TimeSpan.Zero), corpusCase));
    }

    [Fact]
    public void Every_corpus_case_is_well_formed()
    {
        Assert.NotEmpty(CorpusCase.Names());
        foreach (var name in CorpusCase.Names())
        {
            var loaded = CorpusCase.Load(name);
            Assert.False(string.IsNullOrWhiteSpace(loaded.About), name);
        }
    }

    private static List<string> Compare(BuiltImage kiln, BuiltImage buildkit) =>
        ImageComparison.Compare(new BuildOutcome("kiln", kiln, null, TimeSpan.Zero), new BuildOutcome("26", buildkit, null, TimeSpan.Zero), new CorpusCase { About = "self-test" });

    private static BuiltImage Image(List<LayerEntry> layer, string config = """{"rootfs":{"type":"layers","diff_ids":["sha256:0"]}}""") => new()
    {
        Config = JsonNode.Parse(config)!.AsObject(),
        Layers = [layer],
        Filesystem = FlatFilesystem.Of([layer]),
    };
}
