namespace Kiln.Build.Ports;

/// <summary>The parts the solver drives. Each may be missing until it is written; a step that needs a missing one fails with "not supported yet".</summary>
public sealed record BuildPorts(
    IImageSource? Images,
    ISnapshotter? Snapshotter,
    IExecutor? Executor,
    IDiffer? Differ,
    IFileOperations? Files,
    IImageConfigurator? Configurator,
    IBuildCache? Cache,
    IImageExporter? Exporter)
{
    /// <summary>ADD of a git repository; null until wired in.</summary>
    public IGitSources? Git { get; init; }
}
