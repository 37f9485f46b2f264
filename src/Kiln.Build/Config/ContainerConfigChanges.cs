using System.Collections.Immutable;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;

namespace Kiln.Build.Config;

/// <summary>
/// What the metadata instructions do to a container config, where a Dockerfile step (<see cref="ImageConfigBuilder"/>)
/// and <c>docker import --change</c> (the CLI's import) agree. Each caller keeps what differs: the builder writes
/// history and runs shell-form commands through SHELL with ArgsEscaped, import uses <c>/bin/sh -c</c> and writes no
/// history.
/// </summary>
public static class ContainerConfigChanges
{
    /// <summary>ENV: a variable already there is replaced where it is (BuildKit's addEnv), so the base image's order survives.</summary>
    public static ContainerConfig SetEnv(ContainerConfig config, IEnumerable<NameValue> variables)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(variables);
        var env = (config.Env ?? []).ToBuilder();
        foreach (var variable in variables)
        {
            var entry = variable.Name + "=" + variable.Value;
            var existing = IndexOf(env, variable.Name);
            if (existing >= 0)
            {
                env[existing] = entry;
            }
            else
            {
                env.Add(entry);
            }
        }

        return config with { Env = env.ToImmutable() };
    }

    /// <summary>LABEL: later values win.</summary>
    public static ContainerConfig SetLabels(ContainerConfig config, IEnumerable<NameValue> labels)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(labels);
        var merged = (config.Labels ?? ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal))
            .SetItems(labels.Select(l => KeyValuePair.Create(l.Name, l.Value)));
        return config with { Labels = merged };
    }

    /// <summary>EXPOSE: the ports join those already exposed.</summary>
    public static ContainerConfig Expose(ContainerConfig config, IEnumerable<string> ports)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config with { ExposedPorts = (config.ExposedPorts ?? ImmutableSortedSet.Create<string>(StringComparer.Ordinal)).Union(ports) };
    }

    /// <summary>VOLUME: the paths join the volumes already declared.</summary>
    public static ContainerConfig AddVolumes(ContainerConfig config, IEnumerable<string> volumes)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config with { Volumes = (config.Volumes ?? ImmutableSortedSet.Create<string>(StringComparer.Ordinal)).Union(volumes) };
    }

    /// <summary>ONBUILD: the trigger is stored for images built on this one.</summary>
    public static ContainerConfig AddTrigger(ContainerConfig config, string expression)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config with { OnBuild = (config.OnBuild ?? []).Add(expression) };
    }

    /// <summary>
    /// ENTRYPOINT: an empty one clears it; it drops an inherited CMD unless <paramref name="cmdSetHere"/> (a CMD of
    /// the same stage, or the same import, came before it).
    /// </summary>
    public static ContainerConfig SetEntrypoint(ContainerConfig config, ImmutableArray<string> entrypoint, bool cmdSetHere)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config with
        {
            Entrypoint = entrypoint.IsDefaultOrEmpty ? null : entrypoint,
            Cmd = cmdSetHere ? config.Cmd : null,
        };
    }

    private static int IndexOf(ImmutableArray<string>.Builder env, string name)
    {
        for (var i = 0; i < env.Count; i++)
        {
            if (SplitEnv(env[i]).Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>An Env entry's name and value; an entry without <c>=</c> is a name with an empty value.</summary>
    public static (string Name, string Value) SplitEnv(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (entry, string.Empty) : (entry[..equals], entry[(equals + 1)..]);
    }
}
