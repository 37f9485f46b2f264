using Kiln.Build.Ports;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Tests.Solver.Fakes;

/// <summary>Just enough config building for the solver: ENV, WORKDIR, USER, SHELL and one history entry per step.</summary>
internal sealed class FakeConfigurator : IImageConfigurator
{
    public System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset> Created { get; } = new();

    public ImageConfig Start(BaseImage? image, OciPlatform platform) =>
        image?.Config ?? new ImageConfig { Architecture = platform.Architecture, Os = platform.Os, History = [], RootFs = new RootFs { DiffIds = [] } };

    public ImageConfig FromStage(ImageConfig parent) => parent;

    public ImageConfig Finish(ImageConfig config, System.Collections.Immutable.ImmutableSortedDictionary<string, string> labels, DateTimeOffset? sourceDateEpoch)
    {
        var merged = (config.Config.Labels ?? System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty).SetItems(labels);
        var created = sourceDateEpoch ?? config.History?.LastOrDefault()?.Created?.Value;
        return config with
        {
            Config = config.Config with { Labels = merged.IsEmpty ? config.Config.Labels : merged },
            Created = created is { } time ? new OciTimestamp(time) : null,
        };
    }

    public ImageConfig Apply(ImageConfig config, BoundStep boundStep, LayerRef? layer, DateTimeOffset created)
    {
        var layerAdded = layer is not null;
        Created.Enqueue(created);
        var container = boundStep.Instruction switch
        {
            EnvInstruction env => config.Config with
            {
                Env = [.. (config.Config.Env ?? []).Where(e => !env.Variables.Any(p => e.StartsWith(p.Name + "=", StringComparison.Ordinal))), .. env.Variables.Select(p => $"{p.Name}={p.Value}")],
            },
            WorkdirInstruction workdir => config.Config with { WorkingDir = workdir.Path.StartsWith('/') ? workdir.Path : $"{config.Config.WorkingDir}/{workdir.Path}" },
            UserInstruction user => config.Config with { User = user.User },
            ShellInstruction shell => config.Config with { Shell = shell.Shell },
            _ => config.Config,
        };
        var history = (config.History ?? []).Add(new HistoryEntry
        {
            CreatedBy = boundStep.Instruction.Original,
            Created = new OciTimestamp(created),
            EmptyLayer = !layerAdded,
        });
        var diffIds = layer is null ? config.RootFs.DiffIds : (config.RootFs.DiffIds.IsDefault ? [] : config.RootFs.DiffIds).Add(layer.RootFsEntry);
        return config with { Config = container, History = history, RootFs = new RootFs { DiffIds = diffIds } };
    }
}
