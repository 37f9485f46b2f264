using System.Collections.Immutable;
using Kiln.Build.Ports;
using Kiln.Build.Ports.Adapters;
using Kiln.Build.Progress;
using Kiln.Build.Solver;
using Kiln.Build.Tests.Solver.Fakes;
using Kiln.Dockerfile.Diagnostics;

namespace Kiln.Build.Tests.Solver;

/// <summary>ONBUILD triggers as current BuildKit runs them (frontend/dockerfile/dockerfile_onbuild_test.go).</summary>
public sealed class OnBuildTests
{
    private readonly SolverHarness _harness = new();

    /// <summary>The real config writer, so that what reaches the image (OnBuild, history, rootfs) is BuildKit's.</summary>
    private BuildPorts RealConfig => _harness.Ports with { Configurator = new ConfigBuilderConfigurator(ImmutableDictionary<string, string>.Empty) };

    [Fact]
    public async Task The_triggers_of_a_stage_run_after_the_from_of_a_stage_built_on_it_and_leave_its_config()
    {
        _harness.Files.Context["f"] = "F";
        const string dockerfile = """
            FROM scratch AS first
            ENV SRC=f
            ONBUILD RUN trigger
            ONBUILD COPY $SRC /f
            FROM first AS second
            RUN own
            FROM second
            RUN last
            """;

        await _harness.BuildAsync(SolverHarness.Request(dockerfile), RealConfig);

        // Run in "second" only: "FROM second" runs second's own triggers, and it has none (testOnBuildWithChildStage).
        Assert.Equal(["trigger", "own", "last"], _harness.RunCommands);
        Assert.Equal(["f"], Assert.Single(_harness.Files.Copies).Instruction is Dockerfile.Instructions.CopyInstruction copy ? copy.Sources.ToArray() : []);
        Assert.Contains("[second 2/4] ONBUILD RUN trigger", _harness.Progress.Ended<ProgressEvent.Completed>());
        Assert.Contains("[second 3/4] ONBUILD COPY $SRC /f", _harness.Progress.Ended<ProgressEvent.Completed>());
        var config = Assert.Single(_harness.Exporter.Exported).Config;
        Assert.Null(config.Config.OnBuild);
        Assert.Equal(
            ["ENV SRC=f", "RUN /bin/sh -c trigger # buildkit", "COPY f /f # buildkit", "RUN /bin/sh -c own # buildkit", "RUN /bin/sh -c last # buildkit"],
            config.History!.Value.Select(h => h.CreatedBy));
        Assert.Equal(4, config.RootFs.DiffIds.Length);
    }

    [Fact]
    public async Task A_stage_that_records_triggers_keeps_them_in_its_own_config_and_never_runs_them()
    {
        const string dockerfile = "FROM scratch AS base\nONBUILD RUN trigger\nRUN own\n";

        await _harness.BuildAsync(SolverHarness.Request(dockerfile), RealConfig);

        Assert.Equal(["own"], _harness.RunCommands);
        Assert.Equal<string>(["RUN trigger"], Assert.Single(_harness.Exporter.Exported).Config.Config.OnBuild!.Value);
    }

    [Fact]
    public async Task A_trigger_of_a_stage_copies_from_another_stage_the_target_needs_for_nothing_else()
    {
        const string dockerfile = """
            FROM scratch AS src
            RUN make-src
            FROM scratch AS base
            ONBUILD COPY --from=src /in/file /out/foo
            FROM base AS mid
            RUN cp /out/foo /out/bar
            """;

        await _harness.BuildAsync(dockerfile);

        Assert.Equal(["make-src", "cp /out/foo /out/bar"], _harness.RunCommands);
        var copy = Assert.Single(_harness.Files.Copies);
        Assert.Equal("stage 0", ((CopySource.Root)copy.Source).Name);
    }

    [Fact]
    public async Task Triggers_of_an_image_copy_and_mount_from_stages_of_the_dockerfile_and_from_images_they_name()
    {
        _harness.Images.Add("base");
        _harness.Images.SetOnBuild(
            "base",
            "COPY --from=builder /out /from-builder",
            "COPY --from=tools /t /t",
            "RUN --mount=type=bind,from=builder,target=/b use-builder");
        _harness.Images.Add("tools");
        const string dockerfile = """
            FROM scratch AS builder
            RUN build
            FROM base
            RUN after
            """;

        await _harness.BuildAsync(dockerfile);

        // "tools" is named by a trigger only: it is resolved once the triggers are known.
        Assert.Contains(_harness.Images.Resolved, r => r.Reference == "tools");
        Assert.Equal(["build", "use-builder", "after"], _harness.RunCommands);
        // The two COPYs, then the bind mount's copy of the builder stage.
        Assert.Equal(["stage 0", "docker.io/library/tools:latest", "stage 0"], _harness.Files.Copies.Select(c => ((CopySource.Root)c.Source).Name));
    }

    [Fact]
    public async Task Triggers_of_an_image_run_after_its_from_and_an_image_a_trigger_names_that_cannot_be_found_fails_at_that_from()
    {
        _harness.Images.Add("onbuild");
        _harness.Images.SetOnBuild("onbuild", "RUN echo triggered");
        _harness.Images.Add("copier");
        _harness.Images.SetOnBuild("copier", "COPY --from=other /a /a");

        await _harness.BuildAsync("FROM onbuild\nRUN x\n");
        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync("FROM scratch\nRUN y\nFROM copier\nRUN x\n"));

        Assert.Equal(["echo triggered", "x"], _harness.RunCommands);
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(BuildErrorCodes.BaseImage, diagnostic.Code);
        Assert.StartsWith("failed to resolve other: ", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(3, diagnostic.Span.StartLine);
    }

    [Fact]
    public async Task A_trigger_that_copies_from_the_stage_running_it_is_a_cycle_at_its_from()
    {
        const string dockerfile = "FROM scratch AS a\nONBUILD COPY --from=b /x /x\nFROM a AS b\nRUN x\n";

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync(dockerfile));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticCodes.CircularDependency, diagnostic.Code);
        Assert.Equal(3, diagnostic.Span.StartLine);
        Assert.Empty(_harness.RunCommands);
    }

    [Fact]
    public async Task A_trigger_that_does_not_parse_fails_at_the_from_that_runs_it()
    {
        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync("FROM scratch AS a\nONBUILD COPY --nope x y\nFROM a\nRUN x\n"));

        var diagnostic = Assert.Single(error.Diagnostics, d => d.IsError);
        Assert.Equal(3, diagnostic.Span.StartLine);
        Assert.StartsWith("the ONBUILD triggers of stage a: ", diagnostic.Message, StringComparison.Ordinal);
        Assert.Empty(_harness.RunCommands);
    }

    [Fact]
    public async Task A_privileged_trigger_needs_the_entitlement_like_any_run()
    {
        _harness.Images.Add("sneaky");
        _harness.Images.SetOnBuild("sneaky", "RUN --security=insecure mount-everything");

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync("FROM sneaky\nRUN x\n"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(BuildErrorCodes.EntitlementNotGranted, diagnostic.Code);
        Assert.Equal(1, diagnostic.Span.StartLine);
        Assert.Empty(_harness.RunCommands);
    }
}
