using System.Collections.Concurrent;
using Kiln.Build.Context;
using Kiln.Build.Ports;
using Kiln.Build.Progress;
using Kiln.Build.Solver;
using Kiln.Build.Tests.Solver.Fakes;
using Kiln.Dockerfile.Stages;

namespace Kiln.Build.Tests.Solver;

/// <summary><c>--build-context</c> in the solver: what each name resolves to, and what the steps then read and key on.</summary>
public sealed class NamedContextTests
{
    private readonly SolverHarness _harness = new();

    [Fact]
    public async Task Copy_from_a_named_directory_reads_it_in_place_as_the_build_context_is_read()
    {
        Directory("src", ("a.txt", "from src"));

        await _harness.BuildAsync(Request("FROM scratch\nCOPY --from=src a.txt /\n", ("src", Local("src"))));

        var copy = Assert.Single(_harness.Files.Copies);
        Assert.Equal(new CopySource.Context("src"), copy.Source);

        // Nothing is mounted to read it: only the stage's own writable root.
        Assert.All(_harness.Snapshotter.History, m => Assert.True(m.Writable));
    }

    [Fact]
    public async Task From_a_named_directory_starts_on_scratch_with_its_files_as_one_layer()
    {
        Directory("src", ("a.txt", "a"), ("b.txt", "b"));
        const string dockerfile = """
            FROM src AS files
            RUN touch /c
            FROM scratch
            COPY --from=files /a.txt /
            """;

        await _harness.BuildAsync(Request(dockerfile, ("src", Local("src"))));

        var load = _harness.Files.Copies.First();
        Assert.Equal(new CopySource.Context("src"), load.Source);
        Assert.Equal(".", Assert.Single(((Dockerfile.Instructions.CopyInstruction)load.Instruction).Sources));
        Assert.Equal("/", ((Dockerfile.Instructions.CopyInstruction)load.Instruction).Destination);
        Assert.Contains("[context src] load from client", _harness.Progress.Ended<ProgressEvent.Completed>());

        // The RUN ran on that layer alone: scratch below it.
        var run = Assert.Single(_harness.Executor.Runs);
        Assert.Single(((FakeMount)run.Root).Layers);
    }

    [Fact]
    public async Task A_changed_file_in_a_named_directory_reruns_the_steps_that_read_it_and_an_unchanged_one_is_cached()
    {
        Directory("src", ("a.txt", "one"));
        const string dockerfile = """
            FROM src AS built
            RUN build
            FROM scratch
            COPY --from=src a.txt /
            COPY --from=built /out /out
            RUN after
            """;
        var request = Request(dockerfile, ("src", Local("src")));

        await _harness.BuildAsync(request);
        await _harness.BuildAsync(request);
        Assert.Equal(["after", "build"], _harness.RunCommands.Order(StringComparer.Ordinal));
        Assert.Equal(["[built 2/2] RUN build", "[context src] load from client", "[stage-1 2/4] COPY --from=src a.txt /", "[stage-1 3/4] COPY --from=built /out /out", "[stage-1 4/4] RUN after"], _harness.Progress.Ended<ProgressEvent.Cached>().Order(StringComparer.Ordinal));

        _harness.Files.NamedContexts["src"]["a.txt"] = "two";
        await _harness.BuildAsync(request);
        Assert.Equal(["after", "after", "build", "build"], _harness.RunCommands.Order(StringComparer.Ordinal));
        Assert.Empty(_harness.Progress.Ended<ProgressEvent.Cached>());

        // --no-cache reaches the load of a FROM context too, and --no-cache-filter its stage.
        await _harness.BuildAsync(request with { NoCache = true });
        Assert.Empty(_harness.Progress.Ended<ProgressEvent.Cached>());
        await _harness.BuildAsync(request with { NoCacheStages = ["built"] });
        Assert.DoesNotContain("[context src] load from client", _harness.Progress.Ended<ProgressEvent.Cached>());
        Assert.Contains("[stage-1 2/4] COPY --from=src a.txt /", _harness.Progress.Ended<ProgressEvent.Cached>());
    }

    [Fact]
    public async Task A_docker_image_context_replaces_the_image_a_FROM_names_however_the_name_is_spelled()
    {
        _harness.Images.Add("alpine:3.19");
        _harness.Images.Add("alpine:3.18");
        const string dockerfile = """
            FROM alpine AS a
            RUN a
            FROM docker.io/library/alpine:latest AS b
            RUN b
            FROM alpine:3.18
            COPY --from=a /x /a
            COPY --from=b /x /b
            """;

        await _harness.BuildAsync(Request(dockerfile, ("alpine", new NamedContext.Image("alpine:3.19"))));

        // alpine:3.18 is another name: it stays the image it names.
        Assert.Equal(["alpine:3.18", "alpine:3.19"], _harness.Images.Resolved.Select(r => r.Reference).Order(StringComparer.Ordinal));
        Assert.Equal(["a", "b"], _harness.RunCommands.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_docker_image_context_is_what_copy_from_that_name_reads()
    {
        _harness.Images.Add("busybox:1.36");

        await _harness.BuildAsync(Request("FROM scratch\nCOPY --from=tools /bin/sh /sh\n", ("tools", new NamedContext.Image("busybox:1.36"))));

        Assert.Equal(["busybox:1.36"], _harness.Images.Resolved.Select(r => r.Reference));
        Assert.IsType<CopySource.Root>(Assert.Single(_harness.Files.Copies).Source);
    }

    [Fact]
    public async Task A_stage_named_like_a_context_is_replaced_and_none_of_its_steps_run()
    {
        _harness.Images.Add("golang");
        Directory("build", ("app", "binary"));
        const string dockerfile = """
            FROM golang AS build
            RUN go build -o /out/app
            FROM scratch
            COPY --from=build /app /app
            """;

        await _harness.BuildAsync(Request(dockerfile, ("build", Local("build"))));

        Assert.Empty(_harness.RunCommands);
        Assert.Empty(_harness.Images.Resolved);

        // The stage's result is the directory's layer, which COPY --from reads like any stage's.
        var copies = _harness.Files.Copies.ToArray();
        Assert.Equal(new CopySource.Context("build"), copies[0].Source);
        Assert.IsType<CopySource.Root>(copies[1].Source);
        Assert.Single(Assert.Single(_harness.Snapshotter.History, m => !m.Writable).Layers);
    }

    [Fact]
    public async Task A_stage_replaced_by_an_image_context_is_that_image_for_the_stages_after_it()
    {
        _harness.Images.Add("golang");
        _harness.Images.Add("prebuilt", "FROM_IMAGE=yes");
        const string dockerfile = """
            FROM golang AS build
            RUN go build
            FROM build
            WORKDIR /$FROM_IMAGE
            """;

        await _harness.BuildAsync(Request(dockerfile, ("build", new NamedContext.Image("prebuilt"))));

        Assert.Empty(_harness.RunCommands);
        Assert.Equal(["/yes"], _harness.Files.Workdirs);
        Assert.Equal(["prebuilt"], _harness.Images.Resolved.Select(r => r.Reference));
    }

    [Fact]
    public async Task Names_given_but_never_used_change_nothing()
    {
        _harness.Files.Context["a.txt"] = "a";
        const string dockerfile = "FROM scratch\nCOPY a.txt /\n";
        var plain = await _harness.BuildAsync(SolverHarness.Request(dockerfile) with { SourceDateEpoch = DateTimeOffset.UnixEpoch });

        var withUnused = await _harness.BuildAsync(Request(dockerfile, ("unused", Local("unused")), ("other", new NamedContext.Image("nothing:here"))) with { SourceDateEpoch = DateTimeOffset.UnixEpoch });

        Assert.Equal(plain.Image.ImageId, withUnused.Image.ImageId);
        Assert.Empty(_harness.Images.Resolved);
    }

    [Fact]
    public async Task Scratch_and_the_main_context_are_never_replaced()
    {
        _harness.Images.Add("alpine");
        Directory("dir", ("a.txt", "a"));
        _harness.Files.Context["a.txt"] = "main";

        await _harness.BuildAsync(Request("FROM scratch\nCOPY a.txt /\n", ("scratch", new NamedContext.Image("alpine")), ("context", Local("dir"))));

        Assert.Empty(_harness.Images.Resolved);
        Assert.Equal(new CopySource.Context(), Assert.Single(_harness.Files.Copies).Source);
    }

    [Fact]
    public async Task A_file_missing_from_a_named_directory_fails_at_the_copy_line()
    {
        Directory("src", ("a.txt", "a"));

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync(Request("FROM scratch\nCOPY --from=src missing.txt /\n", ("src", Local("src")))));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(BuildErrorCodes.StepFailed, diagnostic.Code);
        Assert.Equal(2, diagnostic.Span.StartLine);
        Assert.Contains("missing.txt", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_a_named_directory_without_the_copier_is_refused_before_anything_runs()
    {
        var ports = _harness.Ports with { Files = null };

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync(Request("FROM src\n", ("src", Local("src"))), ports));

        Assert.Equal("FROM a --build-context directory (the copier is not wired in) is not supported yet", error.Diagnostics.Single().Message);
        Assert.Equal(1, error.Diagnostics.Single().Span.StartLine);
    }

    private static NamedContext.Local Local(string name) => new(name);

    private void Directory(string name, params (string Path, string Content)[] files) =>
        _harness.Files.NamedContexts[name] = new ConcurrentDictionary<string, string>(files.ToDictionary(f => f.Path, f => f.Content), StringComparer.Ordinal);

    private static BuildRequest Request(string dockerfile, params (string Name, NamedContext Context)[] contexts)
    {
        var request = SolverHarness.Request(dockerfile);
        var lookup = NamedContextNames.Lookup(contexts.Select(c => KeyValuePair.Create(c.Name, c.Context)));
        return request with { Options = request.Options with { NamedContexts = lookup } };
    }
}
