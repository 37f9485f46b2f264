using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Kiln.Build.Config;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// The configurator over <see cref="ImageConfigBuilder"/>, which is mutable and keeps per-stage state the config does
/// not show (the ARGs declared so far for RUN's history text, whether CMD was set in the stage). Each config value it
/// hands out is tied to the builder that made it; applying a step advances that builder, so a value can be advanced
/// only once. That matches the solver: a stage's steps are a chain, and <c>FROM stage</c> forks through
/// <see cref="FromStage"/>.
/// </summary>
public sealed class ConfigBuilderConfigurator(IReadOnlyDictionary<string, string> buildArgs) : IImageConfigurator
{
    private readonly ConditionalWeakTable<ImageConfig, Slot> _builders = [];

    public ImageConfig Start(BaseImage? image, OciPlatform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var builder = image is null ? ImageConfigBuilder.FromScratch(platform, buildArgs) : ImageConfigBuilder.FromImage(image.Config, buildArgs);
        return Track(builder);
    }

    public ImageConfig FromStage(ImageConfig parent) => Track(ImageConfigBuilder.FromStage(SlotOf(parent).Builder, buildArgs));

    public ImageConfig Apply(ImageConfig config, BoundStep boundStep, LayerRef? layer, DateTimeOffset layerCreated)
    {
        ArgumentNullException.ThrowIfNull(boundStep);
        var slot = SlotOf(config);
        lock (slot)
        {
            if (slot.Advanced)
            {
                throw new InvalidOperationException("this stage config was advanced already: continue from the config the last step returned");
            }

            slot.Advanced = true;
        }

        var layerResult = layer is null ? null : new LayerResult(layer.RootFsEntry, new OciTimestamp(layerCreated));
        slot.Builder.Apply(boundStep, layerResult);
        return Track(slot.Builder);
    }

    public ImageConfig Finish(ImageConfig config, ImmutableSortedDictionary<string, string> labels, DateTimeOffset? sourceDateEpoch) =>
        SlotOf(config).Builder.Build(labels, sourceDateEpoch is { } epoch ? new OciTimestamp(epoch) : null);

    private ImageConfig Track(ImageConfigBuilder builder)
    {
        var view = builder.Build();
        _builders.Add(view, new Slot(builder));
        return view;
    }

    private Slot SlotOf(ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return _builders.TryGetValue(config, out var slot)
            ? slot
            : throw new InvalidOperationException("this config was not made by this configurator");
    }

    private sealed class Slot(ImageConfigBuilder builder)
    {
        public ImageConfigBuilder Builder { get; } = builder;

        public bool Advanced { get; set; }
    }
}
