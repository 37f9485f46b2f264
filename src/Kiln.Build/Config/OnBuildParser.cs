using System.Collections.Immutable;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Config;

/// <summary>
/// Turns a base image's ONBUILD triggers into bound steps with the Dockerfile frontend, as BuildKit does: the
/// triggers are joined by newlines and parsed as Dockerfile lines (default escape character), then run right after
/// FROM, expanded against the base image's environment.
/// </summary>
public static class OnBuildParser
{
    private const string BaseName = "kiln-onbuild-base";

    /// <summary>The trigger steps in order, or the frontend's diagnostics when a trigger does not parse.</summary>
    public static (ImmutableArray<BoundStep> Steps, ImmutableArray<Diagnostic> Diagnostics) Parse(
        ImmutableArray<string> triggers, ImageConfig baseConfig, FrontendOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        ArgumentNullException.ThrowIfNull(options);
        if (triggers.IsDefaultOrEmpty)
        {
            return ([], []);
        }

        var environment = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var entry in baseConfig.Config.Env ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            environment[equals < 0 ? entry : entry[..equals]] = equals < 0 ? string.Empty : entry[(equals + 1)..];
        }

        var env = environment.ToImmutable();
        var text = $"FROM {BaseName}\n" + string.Join('\n', triggers) + "\n";
        var result = DockerfileFrontend.Load(text, options with { Target = null }, (_, _) => env);
        if (result.HasErrors || result.Definition is null)
        {
            return ([], result.Diagnostics);
        }

        return (result.Definition.Target.Steps, result.Diagnostics);
    }
}
