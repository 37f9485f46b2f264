using System.Collections.Immutable;
using Kiln.Build.Ports;
using Kiln.Build.Solver;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Tests.Solver.Fakes;

/// <summary>A build engine on fake ports, and what each port saw.</summary>
internal sealed class SolverHarness
{
    public SolverHarness()
    {
        Files = new FakeFiles(Snapshotter);
    }

    public FakeImageSource Images { get; } = new();

    public FakeSnapshotter Snapshotter { get; } = new();

    public FakeExecutor Executor { get; } = new();

    public FakeDiffer Differ { get; } = new();

    public FakeFiles Files { get; }

    public FakeConfigurator Configurator { get; } = new();

    public FakeCache Cache { get; } = new();

    public FakeExporter Exporter { get; } = new();

    public RecordingSink Progress { get; private set; } = new();

    public BuildPorts Ports => new(Images, Snapshotter, Executor, Differ, Files, Configurator, Cache, Exporter);

    public static BuildRequest Request(string dockerfile, string? target = null, params (string Key, string Value)[] args) => new(
        dockerfile,
        new FrontendOptions(args.ToImmutableDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal), target),
        NoCache: false,
        Pull: false,
        SourceDateEpoch: null,
        ImmutableSortedDictionary<string, string>.Empty,
        RunNetwork.Default);

    /// <summary>Builds with fresh progress; the cache and the executor's records carry over between builds.</summary>
    public Task<BuildResult> BuildAsync(BuildRequest request, BuildPorts? ports = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        Progress = new RecordingSink();
        var engine = new BuildEngine(ports ?? Ports, Progress, time ?? TimeProvider.System);
        return engine.BuildAsync(request, cancellationToken);
    }

    public Task<BuildResult> BuildAsync(string dockerfile, string? target = null) => BuildAsync(Request(dockerfile, target));

    public string[] RunCommands => [.. Executor.Runs.Select(r => r.Args[^1])];
}
