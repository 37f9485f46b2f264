using System.Collections.Immutable;
using Kiln.Build.Config;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Tests.Config;

public sealed class ImageConfigBuilderTests
{
    private static readonly OciTimestamp LayerTime = OciTimestamp.Parse("2026-01-02T03:04:05.123456789Z");

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(2L, "2ns")]
    [InlineData(1_500L, "1.5\u00b5s")]
    [InlineData(500_000_000L, "500ms")]
    [InlineData(1_500_000_000L, "1.5s")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(-5_000_000_000L, "-5s")]
    public void Durations_print_as_Go_does(long nanoseconds, string expected) => Assert.Equal(expected, GoFormat.Duration(nanoseconds));

    [Theory]
    [InlineData(0L, "'\\x00'")]
    [InlineData(3L, "'\\x03'")]
    [InlineData(10L, "'\\n'")]
    [InlineData(39L, "'\\''")]
    [InlineData(65L, "'A'")]
    [InlineData(0x7FL, "'\\x7f'")]
    [InlineData(0xE9L, "'\u00e9'")]
    [InlineData(0x2028L, "'\\u2028'")]
    public void Retries_print_as_a_Go_rune(long value, string expected) => Assert.Equal(expected, GoFormat.QuoteRune(value));

    [Fact]
    public void Quoted_slices_use_Go_escapes_not_JSON() =>
        Assert.Equal("[\"/bin/sh\" \"-c\" \"echo \\\"a\\tb\\\"\"]", GoFormat.QuoteSlice(["/bin/sh", "-c", "echo \"a\tb\""]));

    [Fact]
    public void Source_date_epoch_dates_new_history_and_created_and_keeps_the_base_history()
    {
        var baseTime = OciTimestamp.Parse("2020-05-05T05:05:05.5Z");
        var baseConfig = new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            History = [new HistoryEntry { Created = baseTime, CreatedBy = "base" }],
            RootFs = new RootFs { DiffIds = [Digest.Sha256Of("base"u8)] },
        };
        var builder = ImageConfigBuilder.FromImage(baseConfig);
        foreach (var step in Steps("FROM base\nENV A=1\nRUN true\nLABEL x=y\n"))
        {
            builder.Apply(step, builder.MakesLayer(step.Instruction) ? new LayerResult(Digest.Sha256Of("l"u8), LayerTime) : null);
        }

        var epoch = OciTimestamp.FromUnixSeconds(1_700_000_000);
        var config = builder.Build(sourceDateEpoch: epoch);
        Assert.Equal(epoch, config.Created);
        Assert.Equal([baseTime, epoch, epoch, epoch], config.History!.Value.Select(h => h.Created!.Value));
        Assert.Equal("PATH=" + ImageConfigBuilder.DefaultPath + "|A=1", string.Join("|", config.Config.Env!.Value));

        // Without the epoch, metadata steps take the layer's time, as BuildKit's exporter dates them.
        var undated = builder.Build();
        Assert.Equal([baseTime, LayerTime, LayerTime, LayerTime], undated.History!.Value.Select(h => h.Created!.Value));
        Assert.Equal(LayerTime, undated.Created);
    }

    [Fact]
    public void A_layer_step_needs_its_layer_and_a_metadata_step_refuses_one()
    {
        var builder = ImageConfigBuilder.FromScratch(new OciPlatform("amd64", "linux"));
        var steps = Steps("FROM scratch\nRUN true\nENV A=1\nWORKDIR /\nWORKDIR /x\n");
        Assert.Throws<InvalidOperationException>(() => builder.Apply(steps[0]));
        Assert.Throws<InvalidOperationException>(() => builder.Apply(steps[1], new LayerResult(Digest.Sha256Of("x"u8), LayerTime)));
        Assert.False(builder.MakesLayer(steps[2].Instruction));
        Assert.True(builder.MakesLayer(steps[3].Instruction));
    }

    [Fact]
    public void Heredoc_runs_record_the_argv_they_run_as_BuildKit_does()
    {
        // BuildKit's dispatchRun commits "RUN " + the args after the heredoc rewrite and withShell.
        var builder = ImageConfigBuilder.FromScratch(new OciPlatform("amd64", "linux"));
        var steps = Steps("FROM scratch\nRUN <<EOT\necho hi\nEOT\nRUN <<EOT\n#!/bin/sh -e\necho hi\nEOT\nRUN cat <<EOT > /f\nx\nEOT\n");
        foreach (var step in steps)
        {
            builder.Apply(step, new LayerResult(Digest.Sha256Of("l"u8), LayerTime));
        }

        Assert.Equal(
            [
                "RUN /bin/sh -c echo hi\n # buildkit",
                "RUN /bin/sh -c /dev/pipes/EOT # buildkit",
                "RUN /bin/sh -c cat <<EOT > /f\nx\nEOT # buildkit",
            ],
            builder.Build().History!.Value.Select(h => h.CreatedBy));
    }

    [Fact]
    public void Copy_and_add_history_records_parents_chown_and_chmod_as_current_BuildKit_does()
    {
        // dockerfile2llb's dispatchCopy (BuildKit 0.13 on; Docker 26 checked) writes --parents, then --chown and --chmod
        // as expanded, and never --link, --from or --exclude. BuildKit 0.8 (docker 20.10) wrote no flags at all.
        var builder = ImageConfigBuilder.FromScratch(new OciPlatform("amd64", "linux"));
        var steps = Steps(
            "FROM scratch AS x\nFROM scratch\nARG U=app\nCOPY --link --chmod=0640 --chown=${U}:staff --from=x a b /d/\n"
            + "COPY --parents --exclude=*.md src/ /s/\nADD --chown=1:1 --chmod=755 f /f\nCOPY <<EOF /h\nx\nEOF\n");
        foreach (var step in steps)
        {
            builder.Apply(step, builder.MakesLayer(step.Instruction) ? new LayerResult(Digest.Sha256Of("l"u8), LayerTime) : null);
        }

        Assert.Equal(
            [
                "COPY --chown=app:staff --chmod=0640 a b /d/ # buildkit",
                "COPY --parents src/ /s/ # buildkit",
                "ADD --chown=1:1 --chmod=755 f /f # buildkit",
                "COPY <<EOF /h # buildkit",
            ],
            builder.Build().History!.Value.Select(h => h.CreatedBy!).Where(c => c.StartsWith("COPY", StringComparison.Ordinal) || c.StartsWith("ADD", StringComparison.Ordinal)));
    }

    [Fact]
    public void Healthcheck_history_prints_the_start_interval_even_when_unset_as_current_BuildKit_does()
    {
        // Docker 26's BuildKit formats a HealthConfig that has a StartInterval field; 20.10's had none.
        var builder = ImageConfigBuilder.FromScratch(new OciPlatform("amd64", "linux"));
        foreach (var step in Steps("FROM scratch\nHEALTHCHECK --interval=5s --retries=2 CMD true\nHEALTHCHECK NONE\n"))
        {
            builder.Apply(step);
        }

        Assert.Equal(
            [
                "HEALTHCHECK &{[\"CMD-SHELL\" \"true\"] \"5s\" \"0s\" \"0s\" \"0s\" '\\x02'}",
                "HEALTHCHECK &{[\"NONE\"] \"0s\" \"0s\" \"0s\" \"0s\" '\\x00'}",
            ],
            builder.Build().History!.Value.Select(h => h.CreatedBy));
    }

    [Fact]
    public void Labels_from_the_command_line_win_without_history()
    {
        var builder = ImageConfigBuilder.FromScratch(new OciPlatform("arm64", "linux") { Variant = "v8" });
        foreach (var step in Steps("FROM scratch\nLABEL a=dockerfile b=kept\n"))
        {
            builder.Apply(step);
        }

        var config = builder.Build(new Dictionary<string, string> { ["a"] = "cli" });
        Assert.Equal("cli", config.Config.Labels!["a"]);
        Assert.Equal("kept", config.Config.Labels!["b"]);
        Assert.Single(config.History!.Value);
        Assert.Equal(("arm64", "v8"), (config.Architecture, config.Variant));
        Assert.Empty(config.RootFs.DiffIds);
    }

    [Fact]
    public void A_stage_built_on_another_does_not_inherit_its_triggers()
    {
        var parent = ImageConfigBuilder.FromScratch(new OciPlatform("amd64", "linux"));
        foreach (var step in Steps("FROM scratch\nONBUILD RUN echo child\n"))
        {
            parent.Apply(step);
        }

        var child = ImageConfigBuilder.FromStage(parent);

        Assert.Equal<string>(["RUN echo child"], parent.Build().Config.OnBuild!.Value);
        Assert.Null(child.Build().Config.OnBuild);
    }

    [Theory]
    [InlineData("/", ".", false)]
    [InlineData("/", "/", false)]
    [InlineData("/app", "..", false)]
    [InlineData("/", "/app/..", true)]
    [InlineData("/", "//", true)]
    [InlineData("/", "/tmp", true)]
    [InlineData("/app", ".", true)]
    [InlineData(null, "app", true)]
    public void A_workdir_makes_a_layer_unless_it_names_the_root_as_buildkit_normalizes_it(string? current, string path, bool layer)
    {
        // BuildKit keeps an absolute WORKDIR as written ("/app/.." and "//" are not "/": it makes them a layer).
        var workdir = Assert.Single(Steps($"FROM scratch\nWORKDIR {path}\n")).Instruction;

        Assert.Equal(layer, StepLayer.MakesLayer(workdir, current));
    }

    [Fact]
    public void A_trigger_that_does_not_parse_gives_diagnostics_not_an_exception()
    {
        var (steps, diagnostics) = OnBuildParser.Parse(["RUN echo ok", "NOPE x"], ImmutableDictionary<string, string>.Empty, FrontendOptions.Default, []);
        Assert.True(steps.IsEmpty);
        Assert.Contains(diagnostics, d => d.IsError);
    }

    [Fact]
    public void A_stage_from_a_stage_runs_with_its_args_and_names_them_once_in_RUN_history()
    {
        // The parent's ARG E is written after its ENV E, so the parent's RUN sees "arg"; the child starts with the
        // config's Env written over the inherited state, so it sees "e" (docker 26 runs both so). Since dockerfile 1.10
        // the child's RUN history also lists the parent's ARGs (dispatchState.init), each name once (runCommandString).
        var result = DockerfileFrontend.Check("FROM scratch AS p\nARG A=1\nENV E=e\nARG E=arg\nARG A\nRUN true\nFROM p\nRUN true\n", FrontendOptions.Default);
        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics));
        var stages = result.Definition!.Stages;
        var parent = ImageConfigBuilder.FromScratch(new OciPlatform("amd64", "linux"));
        foreach (var step in stages[0].Steps)
        {
            parent.Apply(step, parent.MakesLayer(step.Instruction) ? new LayerResult(Digest.Sha256Of("p"u8), LayerTime) : null);
        }

        var parentRunEnv = Kiln.Build.Solver.RunArguments.Env(parent.Build(), stages[0].Steps[^1]).ToArray();
        var child = ImageConfigBuilder.FromStage(parent);
        foreach (var step in stages[1].Steps)
        {
            child.Apply(step, child.MakesLayer(step.Instruction) ? new LayerResult(Digest.Sha256Of("c"u8), LayerTime) : null);
        }

        var config = child.Build();
        var runs = config.History!.Value.Select(h => h.CreatedBy).Where(c => c!.StartsWith("RUN", StringComparison.Ordinal));
        Assert.Equal(["RUN |2 A=1 E=arg /bin/sh -c true # buildkit", "RUN |2 A=1 E=e /bin/sh -c true # buildkit"], runs);
        Assert.Equal(["PATH=" + ImageConfigBuilder.DefaultPath, "E=arg", "A=1"], parentRunEnv);
        Assert.Equal(["PATH=" + ImageConfigBuilder.DefaultPath, "E=e", "A=1"], Kiln.Build.Solver.RunArguments.Env(config, stages[1].Steps[^1]).ToArray());
    }

    private static ImmutableArray<BoundStep> Steps(string dockerfile)
    {
        var result = DockerfileFrontend.Load(dockerfile, FrontendOptions.Default, (_, _) => ImmutableDictionary<string, string>.Empty);
        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics));
        return result.Definition!.Target.Steps;
    }
}
