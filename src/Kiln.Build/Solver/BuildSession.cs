using System.Collections.Immutable;
using Kiln.Build.Ports;
using Kiln.Build.Progress;
using Kiln.Oci;

namespace Kiln.Build.Solver;

/// <summary>What every stage of one build shares: the ports, the request, the progress, the resolved images and the build time.</summary>
internal sealed record BuildSession(
    BuildPorts Ports,
    BuildRequest Request,
    ProgressTracker Progress,
    ImmutableDictionary<string, BaseImage> Images,
    OciPlatform Platform,
    DateTimeOffset Created,
    bool NameUnnamedStages)
{
    /// <summary>How many of each stage's first steps are ONBUILD triggers (<see cref="OnBuildPlan"/>).</summary>
    public ImmutableDictionary<int, int> TriggerCounts { get; init; } = ImmutableDictionary<int, int>.Empty;

    public IImageConfigurator Configurator => Ports.Configurator ?? throw new InvalidOperationException("no image configurator");
}
