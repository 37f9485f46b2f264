using System.Diagnostics;
using Kiln.Build.Ports;
using Kiln.Build.Progress;
using Kiln.Build.Solver;
using Kiln.Build.Tests.Solver.Fakes;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Tests.Solver;

public sealed class SolverTests
{
    private readonly SolverHarness _harness = new();

    [Fact]
    public async Task Two_independent_stages_run_at_the_same_time()
    {
        // Each RUN waits until the other has started too, so run one after the other they would fail.
        const string dockerfile = """
            FROM scratch AS a
            RUN meet 2
            FROM scratch AS b
            RUN meet 2
            FROM scratch
            COPY --from=a /x /a
            COPY --from=b /x /b
            """;

        await _harness.BuildAsync(SolverHarness.Request(dockerfile) with { Parallelism = 2 });

        Assert.Equal(2, _harness.Executor.Runs.Count);
    }

    [Fact]
    public async Task Stages_the_target_does_not_need_never_run()
    {
        const string dockerfile = """
            FROM scratch AS unused
            RUN never
            FROM scratch AS used
            RUN needed
            FROM used AS final
            RUN last
            """;

        await _harness.BuildAsync(dockerfile);

        Assert.Equal(["needed", "last"], _harness.RunCommands);
        Assert.DoesNotContain(_harness.Progress.Events.OfType<ProgressEvent.Started>(), s => s.Name.Contains("unused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_target_option_builds_only_what_that_stage_needs()
    {
        const string dockerfile = """
            FROM scratch AS builder
            RUN build
            FROM builder AS test
            RUN test
            FROM scratch
            COPY --from=builder /out /out
            """;

        await _harness.BuildAsync(dockerfile, target: "builder");

        Assert.Equal(["build"], _harness.RunCommands);
        Assert.Empty(_harness.Files.Copies);
    }

    [Fact]
    public async Task A_stage_used_by_several_others_is_built_once()
    {
        const string dockerfile = """
            FROM scratch AS base
            RUN base
            FROM base AS left
            RUN left
            FROM base AS right
            RUN right
            FROM scratch
            COPY --from=left /l /l
            COPY --from=right /r /r
            COPY --from=base /b /b
            """;

        var result = await _harness.BuildAsync(dockerfile);

        Assert.Single(_harness.RunCommands, c => c == "base");
        Assert.Equal(3, _harness.RunCommands.Length);
        Assert.Equal(["base", "left", "right", "stage-3"], result.Stages.Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_rebuild_with_nothing_changed_runs_nothing()
    {
        const string dockerfile = """
            FROM busybox AS builder
            WORKDIR /workspace
            COPY go.mod go.mod
            RUN go mod download
            COPY main.go main.go
            RUN go build
            FROM scratch
            COPY --from=builder /workspace/manager /manager
            """;
        _harness.Images.Add("busybox");
        _harness.Files.Context["go.mod"] = "module x";
        _harness.Files.Context["main.go"] = "package main";

        // A fixed epoch keeps the config's created time (and so its size) equal between the two builds;
        // with "now" the Go-style timestamp can differ in length (trailing zeros are trimmed).
        var request = SolverHarness.Request(dockerfile) with { SourceDateEpoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) };
        var first = await _harness.BuildAsync(request);
        var runs = _harness.Executor.Runs.Count;
        var copies = _harness.Files.Copies.Count;
        var mounts = _harness.Snapshotter.Mounted;
        var second = await _harness.BuildAsync(request);

        Assert.Equal(2, runs);
        Assert.Equal(runs, _harness.Executor.Runs.Count);
        Assert.Equal(copies, _harness.Files.Copies.Count);
        Assert.Equal(first.Image.Size, second.Image.Size);
        Assert.Equal(6, _harness.Progress.Ended<ProgressEvent.Cached>().Count);

        // Only the COPY --from source is mounted (read-only, to digest it); no writable root at all.
        Assert.Equal(mounts + 1, _harness.Snapshotter.Mounted);
        Assert.Equal(0, _harness.Snapshotter.Open);
    }

    [Fact]
    public async Task A_changed_copy_source_reruns_only_the_steps_from_that_copy_on()
    {
        const string dockerfile = """
            FROM busybox
            COPY go.mod go.mod
            RUN go mod download
            COPY main.go main.go
            RUN go build
            """;
        _harness.Images.Add("busybox");
        _harness.Files.Context["go.mod"] = "module x";
        _harness.Files.Context["main.go"] = "package main";
        var first = await _harness.BuildAsync(dockerfile);

        _harness.Files.Context["main.go"] = "package main // changed";
        var second = await _harness.BuildAsync(dockerfile);

        Assert.Equal(["go mod download", "go build", "go build"], _harness.RunCommands);
        Assert.Equal(["[2/5] COPY go.mod go.mod", "[3/5] RUN go mod download"], _harness.Progress.Ended<ProgressEvent.Cached>());
        Assert.Equal(
            ["[internal] load build definition from Dockerfile", "[internal] load metadata for docker.io/library/busybox:latest", "[1/5] FROM docker.io/library/busybox:latest@" + (await _harness.Images.ResolveAsync("busybox", Oci.OciPlatform.Host, false, default)).ManifestDigest, "[4/5] COPY main.go main.go", "[5/5] RUN go build", "exporting to image"],
            _harness.Progress.Ended<ProgressEvent.Completed>());
        Assert.NotEqual(first.Image.ImageId, second.Image.ImageId);
    }

    [Fact]
    public async Task No_cache_reruns_everything_but_still_writes_entries()
    {
        const string dockerfile = "FROM scratch\nRUN one\nRUN two\n";
        await _harness.BuildAsync(dockerfile);
        _harness.Cache.Entries.Clear();

        await _harness.BuildAsync(SolverHarness.Request(dockerfile) with { NoCache = true });
        var lookupsBefore = _harness.Cache.Lookups.Count;
        await _harness.BuildAsync(dockerfile);

        Assert.Equal(["one", "two", "one", "two"], _harness.RunCommands);
        Assert.Equal(2, _harness.Cache.Entries.Count);
        Assert.Equal(2, _harness.Progress.Ended<ProgressEvent.Cached>().Count);
        Assert.Equal(lookupsBefore + 2, _harness.Cache.Lookups.Count);
    }

    [Fact]
    public async Task No_cache_never_looks_up()
    {
        await _harness.BuildAsync(SolverHarness.Request("FROM scratch\nRUN one\n") with { NoCache = true });

        Assert.Empty(_harness.Cache.Lookups);
        Assert.Single(_harness.Cache.Entries);
    }

    [Fact]
    public async Task A_failing_run_cancels_the_other_stages_and_reports_the_step()
    {
        const string dockerfile = """
            FROM scratch AS slow
            RUN sleep 20
            FROM scratch AS broken
            RUN echo start
            RUN sleep 0.5
            RUN fail 3
            FROM scratch
            COPY --from=slow /a /a
            COPY --from=broken /b /b
            """;

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync(dockerfile));
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal("[broken 4/4] RUN fail 3", error.Step);
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(BuildErrorCodes.RunFailed, diagnostic.Code);
        Assert.Equal(6, diagnostic.Span.StartLine);
        Assert.Equal("process \"/bin/sh -c fail 3\" did not complete successfully: exit code: 3", diagnostic.Message);
        Assert.Equal(["compiling...", "main.go:3: undefined: foo"], error.OutputTail.ToArray());
        Assert.Equal(["sleep 20"], _harness.Executor.Canceled);
        Assert.Equal(["[slow 2/2] RUN sleep 20"], _harness.Progress.Ended<ProgressEvent.Canceled>());
        Assert.Equal(["[broken 4/4] RUN fail 3"], _harness.Progress.Ended<ProgressEvent.Failed>());
        Assert.Empty(_harness.Files.Copies);
        Assert.Empty(_harness.Exporter.Exported);
        Assert.Equal(0, _harness.Snapshotter.Open);
    }

    [Fact]
    public async Task A_failed_step_is_not_cached()
    {
        await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync("FROM scratch\nRUN ok\nRUN fail 1\n"));

        Assert.Single(_harness.Cache.Entries);
    }

    [Fact]
    public async Task A_missing_copy_source_fails_at_its_line()
    {
        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync("FROM scratch\nCOPY missing.txt /\n"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(BuildErrorCodes.StepFailed, diagnostic.Code);
        Assert.Equal(2, diagnostic.Span.StartLine);
        Assert.Contains("missing.txt", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_by_the_user_stops_the_build_and_unmounts()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _harness.BuildAsync(SolverHarness.Request("FROM scratch\nRUN sleep 20\n"), cancellationToken: cancel.Token));

        Assert.Equal(["sleep 20"], _harness.Executor.Canceled);
        Assert.Equal(0, _harness.Snapshotter.Open);
    }

    [Fact]
    public async Task Source_date_epoch_reaches_the_differ_the_config_and_the_export()
    {
        var epoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        await _harness.BuildAsync(SolverHarness.Request("FROM scratch\nENV A=1\nRUN x\n") with { SourceDateEpoch = epoch });

        Assert.All(_harness.Differ.Epochs, e => Assert.Equal(epoch, e));
        Assert.All(_harness.Configurator.Created, c => Assert.Equal(epoch, c));
        var exported = Assert.Single(_harness.Exporter.Exported);
        Assert.Equal(epoch, exported.Created);
        Assert.Equal(epoch, exported.Config.Created?.Value);
    }

    [Fact]
    public async Task Two_builds_with_source_date_epoch_give_the_same_image_id()
    {
        var request = SolverHarness.Request("FROM scratch\nRUN x\n") with { SourceDateEpoch = DateTimeOffset.FromUnixTimeSeconds(1) };

        var first = await _harness.BuildAsync(request with { NoCache = true });
        var second = await _harness.BuildAsync(request with { NoCache = true });

        Assert.Equal(first.Image.ImageId, second.Image.ImageId);
    }

    [Fact]
    public async Task Run_gets_the_shell_the_env_the_workdir_the_user_and_the_network()
    {
        const string dockerfile = """
            FROM busybox
            ARG VERSION=1.0
            ARG SHADOWED=arg
            ENV SHADOWED=env
            WORKDIR /src
            USER 10001
            SHELL ["/bin/bash", "-ec"]
            RUN --network=none make
            RUN ["/bin/true", "x"]
            """;
        _harness.Images.Add("busybox", "PATH=/bin", "HOME=/root");

        await _harness.BuildAsync(SolverHarness.Request(dockerfile) with { Network = RunNetwork.Host });

        var runs = _harness.Executor.Runs.ToArray();
        Assert.Equal(["/bin/bash", "-ec", "make"], runs[0].Args.ToArray());
        Assert.Equal(["/bin/true", "x"], runs[1].Args.ToArray());
        Assert.Equal(["PATH=/bin", "HOME=/root", "SHADOWED=env", "VERSION=1.0"], runs[0].Env.ToArray());
        Assert.Equal("/src", runs[0].WorkingDir);
        Assert.Equal("10001", runs[0].User);
        Assert.Equal(RunNetwork.None, runs[0].Network);
        Assert.Equal(RunNetwork.Host, runs[1].Network);
        Assert.Equal("buildkitsandbox", runs[0].Hostname);
        Assert.Equal(["/src"], _harness.Files.Workdirs);
    }

    [Fact]
    public async Task A_run_on_scratch_gets_the_default_path_and_the_host_network()
    {
        await _harness.BuildAsync("FROM scratch\nRUN x\n");

        var run = Assert.Single(_harness.Executor.Runs);
        Assert.Equal(["/bin/sh", "-c", "x"], run.Args.ToArray());
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], run.Env.ToArray());
        Assert.Equal(RunNetwork.Host, run.Network);
        Assert.Equal("/", run.WorkingDir);
    }

    [Fact]
    public async Task Heredocs_go_to_the_shell_as_buildkit_hands_them()
    {
        const string dockerfile = "FROM scratch\nRUN <<EOF\necho one\necho two\nEOF\nRUN cat <<A > /f\nbody\nA\n";

        await _harness.BuildAsync(dockerfile);

        var runs = _harness.Executor.Runs.ToArray();
        Assert.Equal(["/bin/sh", "-c", "echo one\necho two\n"], runs[0].Args.ToArray());
        Assert.Equal(["/bin/sh", "-c", "cat <<A > /f\nbody\nA"], runs[1].Args.ToArray());
    }

    [Fact]
    public async Task A_shebang_heredoc_reaches_the_executor_as_a_read_only_file_it_runs()
    {
        await _harness.BuildAsync("FROM scratch\nRUN <<EOT\n#!/bin/sh -e\ntrue\nEOT\n");

        var run = Assert.Single(_harness.Executor.Runs);
        Assert.Equal(["/bin/sh", "-c", "/dev/pipes/EOT"], run.Args.ToArray());
        var file = Assert.Single(run.Files);
        Assert.Equal(("/dev/pipes/EOT", "#!/bin/sh -e\ntrue\n"), (file.Path, System.Text.Encoding.UTF8.GetString(file.Content.AsSpan())));
    }

    [Fact]
    public async Task A_script_delimiter_that_is_no_file_name_fails_at_its_line()
    {
        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync("FROM scratch\nRUN <<a/b\n#!/bin/sh\na/b\n"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal((BuildErrorCodes.StepFailed, 2), (diagnostic.Code, diagnostic.Span.StartLine));
        Assert.Empty(_harness.Executor.Runs);
    }

    [Fact]
    public async Task The_base_image_environment_feeds_expansion()
    {
        _harness.Images.Add("golang", "GOPATH=/go");

        await _harness.BuildAsync("FROM golang\nWORKDIR $GOPATH/src\n");

        Assert.Equal(["/go/src"], _harness.Files.Workdirs);
    }

    [Fact]
    public async Task A_relative_workdir_continues_the_previous_one() =>
        Assert.Equal("/a/b/d", await Task.FromResult(Kiln.Build.Config.ImageConfigBuilder.JoinWorkdir("/a/b/c", "../d/./")));

    [Fact]
    public async Task A_workdir_of_the_root_however_written_makes_no_layer_and_no_step_and_an_existing_directory_makes_an_empty_one()
    {
        // As BuildKit's dispatchWorkdir: no mkdir and an empty_layer history entry for "/", a layer for any other
        // directory, one that exists included. The real config writer checks that the solver agrees with it.
        var ports = _harness.Ports with { Configurator = new Ports.Adapters.ConfigBuilderConfigurator(System.Collections.Immutable.ImmutableDictionary<string, string>.Empty) };
        const string dockerfile = "FROM scratch\nWORKDIR .\nWORKDIR /\nWORKDIR /app\nWORKDIR /app\nWORKDIR ..\nRUN x\n";

        await _harness.BuildAsync(SolverHarness.Request(dockerfile), ports);

        Assert.Equal(["/app", "/app"], _harness.Files.Workdirs);
        Assert.Equal(["[2/7] WORKDIR /app", "[3/7] WORKDIR /app", "[4/7] RUN x"], _harness.Progress.Ended<ProgressEvent.Completed>().Where(n => !n.StartsWith("[internal]", StringComparison.Ordinal) && n != "exporting to image"));
        var config = Assert.Single(_harness.Exporter.Exported).Config;
        Assert.Equal(
            [("WORKDIR /", true), ("WORKDIR /", true), ("WORKDIR /app", false), ("WORKDIR /app", false), ("WORKDIR /", true), ("RUN /bin/sh -c x # buildkit", false)],
            config.History!.Value.Select(h => (h.CreatedBy, h.EmptyLayer)));
        Assert.Equal(3, config.RootFs.DiffIds.Length);
        Assert.Equal("/", config.Config.WorkingDir);
    }

    [Fact]
    public async Task A_fault_of_kilns_own_in_a_step_is_reported_as_kilns_never_as_the_step_failing_at_its_line()
    {
        var error = await Assert.ThrowsAsync<BuildInternalException>(() => _harness.BuildAsync("FROM scratch\nRUN ok\nRUN bug\n"));

        Assert.Equal("[3/3] RUN bug", error.Step);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal("internal error in [3/3] RUN bug: a broken invariant", error.Message);
        Assert.Equal(["[3/3] RUN bug"], _harness.Progress.Ended<ProgressEvent.Failed>());
    }

    [Fact]
    public async Task Base_images_are_resolved_once_and_pull_is_passed_on()
    {
        _harness.Images.Add("busybox");
        const string dockerfile = "FROM busybox AS a\nRUN a\nFROM busybox\nCOPY --from=busybox /bin/sh /sh\nCOPY --from=a /x /x\n";

        await _harness.BuildAsync(SolverHarness.Request(dockerfile) with { Pull = true });

        Assert.Equal([("busybox", true)], _harness.Images.Resolved);
    }

    [Fact]
    public async Task A_base_image_that_cannot_be_found_fails_at_its_from_line()
    {
        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync("FROM scratch\nRUN a\nFROM nosuchimage\n"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(BuildErrorCodes.BaseImage, diagnostic.Code);
        Assert.Equal(3, diagnostic.Span.StartLine);
        Assert.Contains("pull access denied", diagnostic.Message, StringComparison.Ordinal);
        Assert.Empty(_harness.Executor.Runs);
    }

    [Fact]
    public async Task Labels_from_the_command_line_land_on_the_target()
    {
        var request = SolverHarness.Request("FROM scratch\nLABEL a=dockerfile b=dockerfile\n") with
        {
            Labels = System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("b", "cli")]),
        };

        await _harness.BuildAsync(request);

        var exported = Assert.Single(_harness.Exporter.Exported);
        Assert.Equal("cli", exported.Config.Config.Labels!["b"]);
    }

    [Fact]
    public async Task The_exported_config_lists_the_layers_and_stage_sizes_add_up()
    {
        _harness.Images.Add("busybox");

        var result = await _harness.BuildAsync("FROM busybox AS builder\nRUN a\nRUN b\nFROM scratch\nCOPY --from=builder /x /x\n");

        var exported = Assert.Single(_harness.Exporter.Exported);
        Assert.Equal(exported.Layers.Select(l => l.DiffId!.Value), exported.Config.RootFs.DiffIds);
        Assert.Single(exported.Layers);
        Assert.Equal(5_000_000 + 2000 + 2000, result.Stages.Single(s => s.Name == "builder").Size);
        Assert.Equal(2000, result.Stages.Single(s => s.Name == "stage-1").Size);
    }

    [Fact]
    public async Task Only_the_targets_layers_are_exported_a_builder_stages_stay_snapshots()
    {
        _harness.Images.Add("busybox");

        await _harness.BuildAsync("FROM busybox AS builder\nRUN a\nRUN b\nFROM busybox AS base\nRUN c\nFROM base\nCOPY --from=builder /x /x\nRUN d\n");

        // base's RUN c and the target's COPY and RUN d, each once; builder's RUN a and RUN b never.
        Assert.Equal(3, _harness.Differ.Exported.Count);
        var exported = Assert.Single(_harness.Exporter.Exported);
        Assert.All(exported.Layers, l => Assert.True(l.IsStored));
        Assert.Equal(exported.Layers.Select(l => l.DiffId!.Value), exported.Config.RootFs.DiffIds);
        Assert.Equal(3, _harness.Cache.Entries.Values.Count(e => e.Layer.IsStored && e.Layer.Snapshot != e.Layer.DiffId));
        Assert.Equal(2, _harness.Cache.Entries.Values.Count(e => !e.Layer.IsStored));

        // As BuildKit reports it under "exporting to image".
        var logs = _harness.Progress.Events.OfType<Progress.ProgressEvent.Log>().Select(l => l.Line).Where(l => l.StartsWith("exporting", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, logs.Count);
        Assert.Equal("exporting layers", logs[0]);
        Assert.Matches(@"^exporting layers \d+\.\ds done$", logs[1]);
    }

    [Fact]
    public async Task A_step_that_changes_nothing_adds_an_empty_layer()
    {
        // Every RUN makes a layer (as the config builder's BuildKit oracle and the cache store expect); an empty one here.
        await _harness.BuildAsync("FROM scratch\nRUN sleep 0\n");

        var exported = Assert.Single(_harness.Exporter.Exported);
        Assert.Equal(32, Assert.Single(exported.Layers).Blob!.Size);
        Assert.False(exported.Config.History!.Value.Single().EmptyLayer);
    }

    [Fact]
    public async Task A_linked_copy_is_made_on_an_empty_root_and_stacked_on_the_stage()
    {
        _harness.Images.Add("busybox");
        _harness.Files.Context["a"] = "a";
        var busybox = (await _harness.Images.ResolveAsync("busybox", Oci.OciPlatform.Host, false, default)).Layers;

        await _harness.BuildAsync("FROM busybox\nRUN one\nCOPY --link a /app/\nRUN two\n");

        var copy = Assert.Single(WritableMounts("copy"));
        var two = Assert.Single(WritableMounts("run two"));
        Assert.Empty(copy.Layers);
        Assert.Equal(busybox.Length + 2, two.Layers.Length);
        Assert.Equal(busybox.Length + 3, Assert.Single(_harness.Exporter.Exported).Layers.Length);
    }

    [Fact]
    public async Task A_linked_copy_outlives_a_change_under_it_and_the_steps_after_it_run_again()
    {
        _harness.Images.Add("busybox");
        _harness.Files.Context["a"] = "a";
        await _harness.BuildAsync("FROM busybox\nRUN one\nCOPY --link a /app/\nRUN two\n");

        await _harness.BuildAsync("FROM busybox\nRUN one changed\nCOPY --link a /app/\nRUN two\n");

        Assert.Single(_harness.Files.Copies);
        Assert.Equal(["one", "two", "one changed", "two"], _harness.RunCommands);
        Assert.Equal(["[3/4] COPY --link a /app/"], _harness.Progress.Ended<ProgressEvent.Cached>());
    }

    [Fact]
    public async Task A_copy_without_link_or_with_chmod_is_made_on_the_stage_and_runs_again_after_a_change_under_it()
    {
        _harness.Images.Add("busybox");
        _harness.Files.Context["a"] = "a";
        await _harness.BuildAsync("FROM busybox\nRUN one\nCOPY --link --chmod=0755 a /app/\nCOPY a /b/\n");

        await _harness.BuildAsync("FROM busybox\nRUN one changed\nCOPY --link --chmod=0755 a /app/\nCOPY a /b/\n");

        Assert.Equal(4, _harness.Files.Copies.Count);
        Assert.All(WritableMounts("copy"), m => Assert.NotEmpty(m.Layers));
    }

    [Fact]
    public async Task A_linked_copy_looks_up_chown_names_in_the_stage_under_it_and_keys_on_the_ids()
    {
        _harness.Images.Add("busybox");
        _harness.Files.Context["a"] = "a";
        var busybox = (await _harness.Images.ResolveAsync("busybox", Oci.OciPlatform.Host, false, default)).Layers;
        const string dockerfile = "FROM busybox\nRUN useradd app\nCOPY --link --chown=app:root a /app/\nCOPY --link --chown=1:2 a /b/\n";

        await _harness.BuildAsync(dockerfile);

        var (chown, root) = Assert.Single(_harness.Files.OwnerLookups);
        Assert.Equal("app:root", chown);
        var below = _harness.Snapshotter.History.Single(m => m.RootPath == root);
        Assert.False(below.Writable);
        Assert.Equal(busybox.Length + 1, below.Layers.Length);
        Assert.Equal(["1003:0", "1:2"], _harness.Files.Copies.Select(c => ((CopyInstruction)c.Instruction).Chown));

        // The uid behind the name is part of the key: another stage below with the same user still hits.
        await _harness.BuildAsync(dockerfile.Replace("useradd app", "useradd app && true", StringComparison.Ordinal));
        Assert.Equal(2, _harness.Files.Copies.Count);
        Assert.Equal(2, _harness.Files.OwnerLookups.Count);
    }

    [Fact]
    public async Task Add_of_a_url_copies_the_download_is_keyed_on_its_content_and_never_unpacks_unless_asked()
    {
        _harness.Images.Add("busybox");
        const string url = "https://example.com/tools/tool.tar.gz";
        const string dockerfile = $"FROM busybox\nADD {url} /opt/\nADD --unpack=true {url} /unpacked/\nRUN use\n";
        _harness.Files.Web[url] = "v1";

        await _harness.BuildAsync(dockerfile);
        await _harness.BuildAsync(dockerfile);
        _harness.Files.Web[url] = "v2";
        await _harness.BuildAsync(dockerfile);

        // Downloaded by every build (the content is the key), copied only when it changed.
        Assert.Equal(6, _harness.Files.Downloads.Count);
        Assert.Equal(4, _harness.Files.Copies.Count);
        var copy = (AddInstruction)_harness.Files.Copies.First().Instruction;
        Assert.Equal("tool.tar.gz", Assert.Single(copy.Sources));
        Assert.False(copy.Unpack);
        Assert.Null(copy.Checksum);
        Assert.True(((AddInstruction)_harness.Files.Copies.ElementAt(1).Instruction).Unpack);
        Assert.Equal(["use", "use"], _harness.RunCommands);
        Assert.All(_harness.Files.Copies, c => Assert.Equal("url", ((CopySource.Root)c.Source).Name));
    }

    [Fact]
    public async Task Add_of_a_url_the_server_does_not_have_fails_at_its_line()
    {
        _harness.Images.Add("busybox");

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync("FROM busybox\nRUN one\nADD https://example.com/gone /\n"));

        Assert.Equal("ADD https://example.com/gone: invalid response status 404 (Not Found)", error.Diagnostics.Single().Message);
        Assert.Equal(3, error.Diagnostics.Single().Span.StartLine);
    }

    [Fact]
    public async Task No_cache_filter_reruns_the_named_stages_steps_only_and_an_unknown_name_is_an_error()
    {
        const string dockerfile = "FROM scratch AS deps\nRUN fetch\nFROM scratch AS app\nRUN compile\nCOPY --from=deps /x /x\n";
        await _harness.BuildAsync(dockerfile);

        await _harness.BuildAsync(SolverHarness.Request(dockerfile) with { NoCacheStages = ["deps"] });
        var unknown = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync(SolverHarness.Request(dockerfile) with { NoCacheStages = ["dpes"] }));

        Assert.Equal(["fetch", "compile", "fetch"], _harness.RunCommands);
        Assert.Equal("--no-cache-filter names no stage of the Dockerfile: dpes", Assert.Single(unknown.Diagnostics).Message);
    }

    private IEnumerable<FakeMount> WritableMounts(string change) =>
        _harness.Snapshotter.History.Where(m => m.Writable && m.Changes.Any(c => c.StartsWith(change, StringComparison.Ordinal)));
}
