using System.Collections.Immutable;
using Kiln.Build.Ports;
using Kiln.Build.Ports.Adapters;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Tests.Adapters;

public sealed class ConfigBuilderConfiguratorTests
{
    private static readonly DateTimeOffset Time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly LayerRef Layer = LayerRef.Stored(new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256Of("blob"u8), 10), Digest.Sha256Of("diff"u8));

    private static BuildDefinition Load(string dockerfile) =>
        DockerfileFrontend.Check(dockerfile, new FrontendOptions(ImmutableDictionary<string, string>.Empty, null)).Definition!;

    [Fact]
    public void Per_stage_state_survives_between_steps_so_an_entrypoint_keeps_a_cmd_set_before_it()
    {
        var stage = Load("FROM scratch\nCMD [\"a\"]\nENTRYPOINT [\"b\"]\n").Stages[0];
        var configurator = new ConfigBuilderConfigurator(ImmutableDictionary<string, string>.Empty);

        var config = configurator.Start(null, OciPlatform.Host);
        foreach (var step in stage.Steps)
        {
            config = configurator.Apply(config, step, null, Time);
        }

        var final = configurator.Finish(config, ImmutableSortedDictionary<string, string>.Empty, Time);
        Assert.Equal("a", Assert.Single(final.Config.Cmd!.Value));
        Assert.Equal("b", Assert.Single(final.Config.Entrypoint!.Value));
        Assert.Equal(Time, final.Created?.Value);
    }

    [Fact]
    public void Two_stages_from_one_parent_fork_it_and_a_config_advances_only_once()
    {
        var definition = Load("FROM scratch AS base\nENV A=1\nFROM base AS one\nENV B=1\nFROM base AS two\nENV C=1\n");
        var configurator = new ConfigBuilderConfigurator(ImmutableDictionary<string, string>.Empty);
        var parent = configurator.Apply(configurator.Start(null, OciPlatform.Host), definition.Stages[0].Steps[0], null, Time);

        var one = configurator.Apply(configurator.FromStage(parent), definition.Stages[1].Steps[0], null, Time);
        var two = configurator.Apply(configurator.FromStage(parent), definition.Stages[2].Steps[0], null, Time);

        Assert.Contains("B=1", one.Config.Env!.Value);
        Assert.DoesNotContain("C=1", one.Config.Env!.Value);
        Assert.Contains("C=1", two.Config.Env!.Value);
        configurator.Apply(parent, definition.Stages[1].Steps[0], null, Time);
        Assert.Throws<InvalidOperationException>(() => configurator.Apply(parent, definition.Stages[2].Steps[0], null, Time));
    }

    [Fact]
    public void A_layer_step_lists_its_diff_id_and_keeps_the_cached_time_in_history()
    {
        var step = Load("FROM scratch\nCOPY a /a\n").Stages[0].Steps[0];
        var configurator = new ConfigBuilderConfigurator(ImmutableDictionary<string, string>.Empty);
        var cachedAt = DateTimeOffset.FromUnixTimeSeconds(1_600_000_000);

        var config = configurator.Apply(configurator.Start(null, OciPlatform.Host), step, Layer, cachedAt);
        var final = configurator.Finish(config, ImmutableSortedDictionary<string, string>.Empty.Add("l", "v"), null);

        Assert.Equal(Layer.DiffId, Assert.Single(final.RootFs.DiffIds));
        var history = Assert.Single(final.History!.Value);
        Assert.False(history.EmptyLayer);
        Assert.Equal(cachedAt, history.Created?.Value);
        Assert.Equal("v", final.Config.Labels!["l"]);
    }

    [Fact]
    public void A_layer_for_a_step_that_makes_none_is_a_broken_contract_never_dropped_quietly()
    {
        // The solver asks the same rule (StepLayer) before it makes a layer: a disagreement is Kiln's bug.
        var step = Load("FROM scratch\nWORKDIR .\n").Stages[0].Steps[0];
        var configurator = new ConfigBuilderConfigurator(ImmutableDictionary<string, string>.Empty);

        Assert.Throws<InvalidOperationException>(() => configurator.Apply(configurator.Start(null, OciPlatform.Host), step, Layer, Time));
    }
}
