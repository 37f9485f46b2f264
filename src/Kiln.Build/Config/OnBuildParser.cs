using System.Collections.Immutable;
using System.Text;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Stages;

namespace Kiln.Build.Config;

/// <summary>
/// Turns ONBUILD triggers into bound steps with the Dockerfile frontend, as BuildKit does: the triggers are joined by
/// newlines and parsed as Dockerfile lines (default escape character), expanded against the environment of the stage
/// they run in, right after its FROM.
/// </summary>
public static class OnBuildParser
{
    /// <summary>
    /// The FROM of the stage the triggers are bound in: a reference no stage can be named (stage names have no
    /// <c>/</c>), so that it never resolves to one of the stages put before it.
    /// </summary>
    private const string BaseName = "kiln.invalid/onbuild-base";

    /// <summary>
    /// The trigger steps in order, or the frontend's diagnostics when a trigger does not parse. A <c>--from</c> in a
    /// trigger (COPY, RUN --mount) names one of <paramref name="stages"/> (by name or index, as BuildKit resolves it
    /// against the Dockerfile being built), else a <c>--build-context</c>, else an image.
    /// </summary>
    public static (ImmutableArray<BoundStep> Steps, ImmutableArray<Diagnostic> Diagnostics) Parse(
        ImmutableArray<string> triggers, IReadOnlyDictionary<string, string> environment, FrontendOptions options, ImmutableArray<BoundStage> stages)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        if (triggers.IsDefaultOrEmpty)
        {
            return ([], []);
        }

        // Each stage of the Dockerfile as an empty stage of the same name and index, so that the frontend resolves a
        // trigger's --from as it resolves the Dockerfile's own; the triggers' stage comes last.
        var text = new StringBuilder();
        foreach (var stage in stages.IsDefault ? [] : stages)
        {
            text.Append("FROM scratch").Append(stage.Name is { } name ? " AS " + name : string.Empty).Append('\n');
        }

        text.Append("FROM ").Append(BaseName).Append('\n').AppendJoin('\n', triggers).Append('\n');
        var env = environment as ImmutableDictionary<string, string> ?? environment.ToImmutableDictionary(StringComparer.Ordinal);
        var result = DockerfileFrontend.Load(text.ToString(), options with { Target = null }, (_, _) => env);
        if (result.HasErrors || result.Definition is null)
        {
            return ([], result.Diagnostics);
        }

        return (result.Definition.Target.Steps, result.Diagnostics);
    }

    /// <summary>An image config's <c>Env</c> as the frontend takes an environment.</summary>
    public static ImmutableDictionary<string, string> Environment(ImmutableArray<string>? env)
    {
        var environment = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var entry in env ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            environment[equals < 0 ? entry : entry[..equals]] = equals < 0 ? string.Empty : entry[(equals + 1)..];
        }

        return environment.ToImmutable();
    }
}
