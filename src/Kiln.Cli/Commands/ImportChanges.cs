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
/// the environment the earlier changes built, and applied to the container config (the changes a Dockerfile step
/// makes too, <see cref="ContainerConfigChanges"/>; import's own: shell form behind <c>/bin/sh -c</c>, no
/// ArgsEscaped, no history). Only the instructions that change the config are allowed:
/// https://docs.docker.com/reference/cli/docker/image/import/
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
                EntrypointInstruction entrypoint => ContainerConfigChanges.SetEntrypoint(config, Command(entrypoint.Command) ?? [], cmdSet),
                EnvInstruction env => ContainerConfigChanges.SetEnv(config, env.Variables),
                ExposeInstruction expose => ContainerConfigChanges.Expose(config, expose.ExposedPorts.Select(p => p.ToString())),
                LabelInstruction label => ContainerConfigChanges.SetLabels(config, label.Labels),
                OnbuildInstruction onbuild => ContainerConfigChanges.AddTrigger(config, onbuild.Expression),
                UserInstruction user => config with { User = user.User },
                VolumeInstruction volume => ContainerConfigChanges.AddVolumes(config, volume.Volumes),
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
            var (name, value) = ContainerConfigChanges.SplitEnv(entry);
            environment[name] = value;
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
}
