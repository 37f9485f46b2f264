using System.Collections.Immutable;
using Kiln.Build.Config;
using Kiln.Dockerfile.Expansion;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Syntax;
using Kiln.Oci;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>--change</c> for <c>kiln import</c>, as <c>docker import --change</c> applies it (moby's
/// <c>BuildFromConfig</c>): each change is one Dockerfile line, parsed by the Dockerfile frontend, expanded with
/// the environment the earlier changes built, and applied to the container config. Only the instructions that
/// change the config are allowed: https://docs.docker.com/reference/cli/docker/image/import/
/// </summary>
internal static class ImportChanges
{
    public static ImmutableArray<string> Allowed { get; } = ["CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD", "USER", "VOLUME", "WORKDIR"];

    /// <summary>The config after every change, or the first problem as a message.</summary>
    public static ContainerConfig Apply(ContainerConfig config, IEnumerable<string> changes, out string? error)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(changes);
        error = null;

        // Docker's dispatcher: ENTRYPOINT clears a CMD that no change in this run set.
        var cmdSet = false;
        foreach (var change in changes)
        {
            var instruction = Parse(change, config, out error);
            if (instruction is null)
            {
                return config;
            }

            config = instruction switch
            {
                CmdInstruction cmd => SetCmd(config, cmd, ref cmdSet),
                EntrypointInstruction entrypoint => config with
                {
                    Entrypoint = Command(entrypoint.Command),
                    Cmd = cmdSet ? config.Cmd : null,
                },
                EnvInstruction env => config with { Env = SetEnv(config.Env ?? [], env.Variables) },
                ExposeInstruction expose => config with
                {
                    ExposedPorts = (config.ExposedPorts ?? ImmutableSortedSet.Create<string>(StringComparer.Ordinal)).Union(expose.ExposedPorts.Select(p => p.ToString())),
                },
                LabelInstruction label => config with
                {
                    Labels = (config.Labels ?? ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)).SetItems(
                        label.Labels.Select(l => KeyValuePair.Create(l.Name, l.Value))),
                },
                OnbuildInstruction onbuild => config with { OnBuild = (config.OnBuild ?? []).Add(onbuild.Expression) },
                UserInstruction user => config with { User = user.User },
                VolumeInstruction volume => config with
                {
                    Volumes = (config.Volumes ?? ImmutableSortedSet.Create<string>(StringComparer.Ordinal)).Union(volume.Volumes),
                },
                WorkdirInstruction workdir => config with { WorkingDir = ImageConfigBuilder.JoinWorkdir(config.WorkingDir, workdir.Path) },
                _ => throw new InvalidOperationException($"unhandled change {instruction.Keyword}"),
            };
        }

        return config;
    }

    private static Instruction? Parse(string change, ContainerConfig config, out string? error)
    {
        var syntax = DockerfileParser.Parse(change);
        var problem = syntax.Diagnostics.FirstOrDefault(d => d.IsError);
        if (problem is not null)
        {
            error = $"--change '{change}': {problem.Message}";
            return null;
        }

        if (syntax.Instructions.Length != 1)
        {
            error = $"--change '{change}': a change is exactly one instruction, this has {syntax.Instructions.Length}";
            return null;
        }

        var keyword = syntax.Instructions[0].Keyword.ToUpperInvariant();
        if (!Allowed.Contains(keyword))
        {
            error = $"--change '{change}': {keyword} is not a valid change command (allowed: {string.Join(", ", Allowed)})";
            return null;
        }

        var parsed = InstructionParser.Parse(syntax.Instructions[0]);
        if (parsed.Instruction is null)
        {
            error = $"--change '{change}': {parsed.Diagnostics.FirstOrDefault(d => d.IsError)?.Message ?? "invalid instruction"}";
            return null;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in config.Env ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            environment[equals < 0 ? entry : entry[..equals]] = equals < 0 ? string.Empty : entry[(equals + 1)..];
        }

        var expanded = parsed.Instruction.Expand(new ShellWordExpander(syntax.EscapeToken), environment);
        if (!expanded.Succeeded)
        {
            error = $"--change '{change}': {expanded.Diagnostics.First(d => d.IsError).Message}";
            return null;
        }

        error = null;
        return expanded.Instruction;
    }

    private static ContainerConfig SetCmd(ContainerConfig config, CmdInstruction cmd, ref bool cmdSet)
    {
        cmdSet = true;
        return config with { Cmd = Command(cmd.Command) };
    }

    /// <summary>Exec form as written; shell form behind docker's default Linux shell; an empty exec form clears.</summary>
    private static ImmutableArray<string>? Command(CommandLine command) =>
        command.PrependShell ? ["/bin/sh", "-c", string.Join(' ', command.Args)]
        : command.Args.IsDefaultOrEmpty ? null
        : command.Args;

    private static ImmutableArray<string> SetEnv(ImmutableArray<string> env, ImmutableArray<NameValue> variables)
    {
        var list = env.ToList();
        foreach (var variable in variables)
        {
            var entry = $"{variable.Name}={variable.Value}";
            var existing = list.FindIndex(e => e.StartsWith(variable.Name + "=", StringComparison.Ordinal) || e == variable.Name);
            if (existing >= 0)
            {
                list[existing] = entry;
            }
            else
            {
                list.Add(entry);
            }
        }

        return [.. list];
    }
}
