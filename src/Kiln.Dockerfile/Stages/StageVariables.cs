using System.Collections.Immutable;

namespace Kiln.Dockerfile.Stages;

/// <summary>
/// The variables of a stage at one point, as BuildKit's dispatch state keeps them. ENV writes the image config's
/// Env and the LLB state's environment; an ARG with a value writes only the state's. Expansion and RUN see the
/// state's environment, where the last write wins whichever instruction made it (so an ARG after an ENV of the same
/// name wins, despite what the Dockerfile reference says).
/// </summary>
/// <param name="Config">The image config's Env: the base's, then each ENV.</param>
/// <param name="State">The environment instructions expand against and RUN gets.</param>
/// <param name="Args">The entries of <paramref name="State"/> an ARG wrote last (so RUN sees them, the config does not).</param>
internal sealed record StageVariables(
    ImmutableDictionary<string, string> Config,
    ImmutableDictionary<string, string> State,
    ImmutableDictionary<string, string> Args)
{
    /// <summary>A stage starting from an image's Env (scratch's is empty), PATH defaulted as BuildKit does.</summary>
    public static StageVariables FromImage(IReadOnlyDictionary<string, string> environment)
    {
        var config = ImmutableDictionary.CreateRange(StringComparer.Ordinal, environment);
        if (!config.ContainsKey("PATH"))
        {
            config = config.SetItem("PATH", SystemDefaults.Path);
        }

        return new StageVariables(config, config, ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));
    }

    /// <summary>
    /// A stage built <c>FROM</c> this one (BuildKit's <c>dispatchState.init</c>): it continues from this state, ARGs
    /// included, and the config's Env is then written over it again, so an ENV wins over an ARG that came after it.
    /// </summary>
    public StageVariables Child() => new(Config, State.SetItems(Config), Args.RemoveRange(Config.Keys));

    public StageVariables WithEnv(string name, string value) => new(Config.SetItem(name, value), State.SetItem(name, value), Args.Remove(name));

    public StageVariables WithArg(string name, string value) => this with { State = State.SetItem(name, value), Args = Args.SetItem(name, value) };
}
