using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Tests.Stages;

/// <summary>
/// Loading a hostile Dockerfile ends in a diagnostic that names the limit and the line (issue 13), never in a
/// process out of memory or busy for hours; and it stops when cancelled.
/// </summary>
public sealed class LoadLimitTests
{
    private const int Mi = 1024 * 1024;

    [Fact]
    public void A_word_that_expands_past_the_limit_is_an_error_at_its_line()
    {
        var result = Bind.Text("FROM scratch\nARG A\nLABEL ok=$A\nLABEL x=$A$A\n", null, ("A", new string('a', 600_000)));

        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(4, error.Span.StartLine);
        Assert.Contains("the expanded word is longer than kiln's limit of 1 Mi characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replacement_that_multiplies_a_value_stops_at_the_limit()
    {
        var result = Bind.Text("FROM scratch\nARG A\nLABEL x=${A//?/0123456789ab}\n", null, ("A", new string('a', 100_000)));

        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Contains("the expanded word is longer than kiln's limit of 1 Mi characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_words_under_the_word_limit_stop_at_the_budget_of_the_whole_file()
    {
        // 70 words of 1,000,000 characters: each is allowed, together they pass 64 Mi.
        var dockerfile = "FROM scratch\nARG A\n" + string.Concat(Enumerable.Repeat("LABEL x=$A\n", 70));
        var result = Bind.Text(dockerfile, null, ("A", new string('a', 1_000_000)));

        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(2 + 68, error.Span.StartLine);
        Assert.Contains("exceed kiln's limit of 64 Mi characters and pattern steps in all", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pattern_matching_counts_against_the_budget_before_it_starts()
    {
        // 81 pattern tokens over a million characters is 81 Mi steps: refused before matching.
        var pattern = string.Concat(Enumerable.Repeat("*a", 40)) + "b";
        var result = Bind.Text("FROM scratch\nARG A\nLABEL x=${A##" + pattern + "}\n", null, ("A", new string('a', 1_000_000)));

        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Contains("exceed kiln's limit of 64 Mi characters and pattern steps in all", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quoted_word_in_an_error_is_cut_to_a_readable_width()
    {
        var word = "\"" + new string('w', 10_000);
        var result = Bind.Text("FROM scratch\nLABEL x=" + word + "\n");

        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.True(error.Message.Length < 300, error.Message);
        Assert.Contains("... (10,001 characters)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dockerfile_past_the_size_limit_is_not_parsed()
    {
        var text = "FROM scratch\n" + new string('#', (16 * Mi) - 13) + "\n";

        var result = Bind.Text(text);

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.DockerfileTooLarge, error.Code);
        Assert.Equal("the Dockerfile is larger than kiln's limit of 16 MiB", error.Message);
        Assert.Empty(result.Syntax.Instructions);
    }

    [Fact]
    public void Loading_stops_when_cancelled_while_binding()
    {
        // The lookup of the first stage's base cancels: the binder must not go on through the other stages.
        using var cancellation = new CancellationTokenSource();
        var lookups = 0;
        var dockerfile = string.Concat(Enumerable.Range(0, 100).Select(i => $"FROM image{i}\nENV A=1\n"));

        Assert.Throws<OperationCanceledException>(() => DockerfileFrontend.Load(
            dockerfile,
            FrontendOptions.Default,
            (_, _) =>
            {
                lookups++;
                cancellation.Cancel();
                return new Dictionary<string, string>();
            },
            cancellation.Token));
        Assert.Equal(1, lookups);
    }

    [Fact]
    public void A_load_after_cancellation_does_not_start()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => DockerfileFrontend.Check("FROM scratch\nENV A=1\n", FrontendOptions.Default, cancellation.Token));
    }

    [Fact]
    public void A_file_of_twenty_thousand_env_lines_binds_whole()
    {
        // 20,000 ENV lines and a 60 KB LABEL (issue 13's file that took minutes; the time is bench/dockerfile-loading's).
        var lines = new List<string> { "FROM scratch" };
        lines.AddRange(Enumerable.Range(1, 20_000).Select(i => $"ENV V{i}=value{i}"));
        lines.Add("LABEL big=\"" + new string('l', 60 * 1024) + "\" first=$V1 last=$V20000");

        var definition = Bind.Definition(string.Join('\n', lines) + "\n");

        var steps = definition.Target.Steps;
        Assert.Equal(20_001, steps.Length);
        var labels = ((LabelInstruction)steps[^1].Instruction).Labels;
        Assert.Equal([60 * 1024, 6, 10], labels.Select(l => l.Value.Length));
        Assert.Equal("value20000", labels[2].Value);
    }
}
