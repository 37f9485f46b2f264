using System.Collections.Immutable;
using System.Text;
using Kiln.Dockerfile.Expansion;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Config;

/// <summary>
/// Builds one stage's image config and history the way BuildKit's dockerfile2llb and image exporter do: start
/// from a base config (or BuildKit's scratch defaults), apply each bound step in order, then <see cref="Build"/>.
/// The solver asks <see cref="StepLayer"/> per step and passes the layer it made to <see cref="Apply"/>.
/// Every rule here was checked against the BuildKit of docker 20.10 (captured configs under
/// <c>tests/Kiln.Build.Tests/Config/TestData</c>). Not thread-safe: one builder per stage.
/// </summary>
public sealed class ImageConfigBuilder
{
    /// <summary>BuildKit's <c>system.DefaultPathEnv</c> for Linux, put into every config that has no PATH.</summary>
    public const string DefaultPath = SystemDefaults.Path;

    /// <summary>The <c>comment</c> BuildKit puts on every history entry its Dockerfile frontend makes.</summary>
    public const string HistoryComment = "buildkit.dockerfile.v0";

    private static readonly ImmutableArray<string> DefaultShell = ["/bin/sh", "-c"];

    private readonly List<HistoryEntry> _history;
    private readonly List<Digest> _diffIds;
    private readonly List<(string Name, string? Value)> _declaredArgs;

    // BuildKit's LLB state environment: ENV and ARG both write it, the last one wins. It only feeds the
    // "|N K=V" prefix of RUN history strings; the image config's Env is separate.
    private readonly Dictionary<string, string> _stateEnv;
    private readonly IReadOnlyDictionary<string, string> _buildArgs;
    private ImageConfig _config;
    private bool _cmdSet;

    private ImageConfigBuilder(ImageConfig config, int baseHistoryCount, IReadOnlyDictionary<string, string>? buildArgs)
    {
        _config = config;
        _history = config.History is { IsDefault: false } history ? [.. history] : [];
        _diffIds = [.. config.RootFs.DiffIds.IsDefault ? [] : config.RootFs.DiffIds];
        _declaredArgs = [];
        _stateEnv = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in config.Config.Env ?? [])
        {
            var (name, value) = ContainerConfigChanges.SplitEnv(entry);
            _stateEnv[name] = value;
        }

        _buildArgs = buildArgs ?? ImmutableDictionary<string, string>.Empty;
        BaseHistoryCount = baseHistoryCount;
    }

    /// <summary>How many history entries came from the base image (kept as they are).</summary>
    public int BaseHistoryCount { get; }

    /// <summary>The container config so far (Env, User, WorkingDir, Shell... as a RUN of the next step sees them).</summary>
    public ContainerConfig Container => _config.Config;

    /// <summary>The working directory a step runs in: <c>WorkingDir</c>, or <c>/</c> when unset.</summary>
    public string WorkingDirectory => string.IsNullOrEmpty(_config.Config.WorkingDir) ? "/" : _config.Config.WorkingDir;

    /// <summary>The SHELL that shell-form commands get, BuildKit's default <c>/bin/sh -c</c> when none was set.</summary>
    public ImmutableArray<string> Shell => _config.Config.Shell is { IsDefaultOrEmpty: false } shell ? shell : DefaultShell;

    /// <summary>
    /// BuildKit's empty image for <c>FROM scratch</c>: the platform, <c>WorkingDir</c> <c>/</c>, the default PATH,
    /// no layers.
    /// </summary>
    public static ImageConfigBuilder FromScratch(OciPlatform platform, IReadOnlyDictionary<string, string>? buildArgs = null)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var config = new ImageConfig
        {
            Architecture = platform.Architecture,
            Os = platform.Os,
            Variant = platform.Variant,
            OsVersion = platform.OsVersion,
            OsFeatures = platform.OsFeatures,
            Config = new ContainerConfig { WorkingDir = "/", Env = ["PATH=" + DefaultPath] },
            RootFs = new RootFs { DiffIds = [] },
        };
        return new ImageConfigBuilder(config, 0, buildArgs);
    }

    /// <summary>
    /// Starts from an image's config. Its <c>created</c> is dropped (the new image gets its own), its history and
    /// layers are kept, its ONBUILD triggers are dropped (they run as the stage's first steps, planned by the solver,
    /// and BuildKit clears <c>OnBuild</c>), and a config without PATH gets BuildKit's default one ("make sure that
    /// PATH is always set").
    /// </summary>
    public static ImageConfigBuilder FromImage(ImageConfig baseConfig, IReadOnlyDictionary<string, string>? buildArgs = null)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        var container = baseConfig.Config;
        var env = container.Env ?? [];
        if (!env.Any(e => ContainerConfigChanges.SplitEnv(e).Name == "PATH"))
        {
            env = env.Add("PATH=" + DefaultPath);
        }

        var config = baseConfig with
        {
            Created = null,
            Config = container with { Env = env, OnBuild = null },
        };
        var historyCount = baseConfig.History is { IsDefault: false } history ? history.Length : 0;
        return new ImageConfigBuilder(config, historyCount, buildArgs);
    }

    /// <summary>
    /// <c>FROM stage</c>: continues from another stage's state (its new history included, still without times), and,
    /// as BuildKit's <c>dispatchState.init</c> does since dockerfile 1.9, with its declared ARGs (they lead the
    /// <c>|N</c> of RUN history) and its state environment with the config's Env written over it again. Whether CMD
    /// was set starts over. The parent's ONBUILD triggers are not inherited: they run first in this stage (the solver
    /// takes them from the parent's steps), and BuildKit clears <c>OnBuild</c> as it does after an image's.
    /// </summary>
    public static ImageConfigBuilder FromStage(ImageConfigBuilder parent, IReadOnlyDictionary<string, string>? buildArgs = null)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var snapshot = parent._config with
        {
            Config = parent._config.Config with { OnBuild = null },
            History = [.. parent._history],
            RootFs = parent._config.RootFs with { DiffIds = [.. parent._diffIds] },
        };
        var child = new ImageConfigBuilder(snapshot, parent.BaseHistoryCount, buildArgs ?? parent._buildArgs);
        child._declaredArgs.AddRange(parent._declaredArgs);
        foreach (var (name, value) in parent._stateEnv)
        {
            child._stateEnv.TryAdd(name, value);
        }

        return child;
    }

    /// <summary>True when the step makes a layer, by <see cref="StepLayer"/>'s rule from the current working directory.</summary>
    public bool MakesLayer(Instruction instruction) => StepLayer.MakesLayer(instruction, _config.Config.WorkingDir);

    /// <summary>The directory a WORKDIR names from the current one (<see cref="StepLayer.Workdir"/>).</summary>
    public string ResolveWorkdir(string path) => StepLayer.Workdir(_config.Config.WorkingDir, path);

    /// <summary>
    /// The directory a WORKDIR makes, cleaned whether absolute or relative: a relative path continues
    /// <paramref name="current"/> (docker's <c>normalizeWorkdir</c>; ".." never climbs above <c>/</c>).
    /// </summary>
    public static string JoinWorkdir(string? current, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return CleanPath(path.StartsWith('/') ? path : "/" + current + "/" + path);
    }

    /// <summary>The argv a RUN (or shell-form CMD/ENTRYPOINT) runs: exec form as is, shell form after SHELL.</summary>
    public ImmutableArray<string> CommandFor(CommandLine command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.PrependShell ? Shell.Add(string.Join(' ', command.Args)) : command.Args;
    }

    /// <summary>Applies one step. Steps that make a layer (<see cref="MakesLayer"/>) need it in <paramref name="layer"/>, others must not have one.</summary>
    public void Apply(BoundStep step, LayerResult? layer = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        var instruction = step.Instruction;
        var makesLayer = MakesLayer(instruction);
        if (makesLayer != layer is not null)
        {
            throw new InvalidOperationException(makesLayer
                ? $"{instruction.Keyword.ToUpperInvariant()} makes a layer: pass the layer it made"
                : $"{instruction.Keyword.ToUpperInvariant()} makes no layer, but a layer was passed");
        }

        var container = _config.Config;
        string? createdBy;
        switch (instruction)
        {
            case EnvInstruction env:
                container = ContainerConfigChanges.SetEnv(container, env.Variables);
                foreach (var variable in env.Variables)
                {
                    _stateEnv[variable.Name] = variable.Value;
                }

                createdBy = "ENV " + string.Join(' ', env.Variables.Select(v => v.Name + "=" + v.Value));
                break;

            case LabelInstruction label:
                container = ContainerConfigChanges.SetLabels(container, label.Labels);
                createdBy = "LABEL " + string.Join(' ', label.Labels.Select(v => v.Name + "=" + v.Value));
                break;

            case ExposeInstruction expose:
                var ports = expose.ExposedPorts.Select(p => p.ToString()).ToImmutableSortedSet(StringComparer.Ordinal);
                container = ContainerConfigChanges.Expose(container, ports);

                // fmt's %v of a map[string]struct{}: keys sorted, each followed by ":{}".
                createdBy = "EXPOSE map[" + string.Join(' ', ports.Select(p => p + ":{}")) + "]";
                break;

            case VolumeInstruction volume:
                container = ContainerConfigChanges.AddVolumes(container, volume.Volumes);
                createdBy = "VOLUME " + GoFormat.PlainSlice(volume.Volumes);
                break;

            case UserInstruction user:
                container = container with { User = user.User };
                createdBy = "USER " + user.User;
                break;

            case WorkdirInstruction workdir:
                var directory = ResolveWorkdir(workdir.Path);
                container = container with { WorkingDir = directory };
                createdBy = "WORKDIR " + directory;
                break;

            case CmdInstruction cmd:
                var cmdArgs = CommandFor(cmd.Command);
                container = container with { Cmd = cmdArgs, ArgsEscaped = true };
                _cmdSet = true;
                createdBy = "CMD " + GoFormat.QuoteSlice(cmdArgs);
                break;

            case EntrypointInstruction entrypoint:
                var entrypointArgs = CommandFor(entrypoint.Command);

                // An ENTRYPOINT drops an inherited CMD, unless this stage set CMD itself (before it).
                container = ContainerConfigChanges.SetEntrypoint(container, entrypointArgs, _cmdSet);
                createdBy = "ENTRYPOINT " + GoFormat.QuoteSlice(entrypointArgs);
                break;

            case ShellInstruction shell:
                container = container with { Shell = shell.Shell };
                createdBy = "SHELL " + GoFormat.PlainSlice(shell.Shell);
                break;

            case StopSignalInstruction stop:
                container = container with { StopSignal = stop.Signal };
                createdBy = "STOPSIGNAL " + stop.Signal;
                break;

            case HealthcheckInstruction healthcheck:
                var health = new HealthcheckConfig
                {
                    Test = healthcheck.Test,
                    Interval = Nanoseconds(healthcheck.Interval),
                    Timeout = Nanoseconds(healthcheck.Timeout),
                    StartPeriod = Nanoseconds(healthcheck.StartPeriod),
                    StartInterval = Nanoseconds(healthcheck.StartInterval),
                    Retries = healthcheck.Retries,
                };
                container = container with { Healthcheck = health };
                createdBy = "HEALTHCHECK " + HealthcheckText(health);
                break;

            case OnbuildInstruction onbuild:
                // BuildKit stores the trigger and writes no history entry for it.
                container = ContainerConfigChanges.AddTrigger(container, onbuild.Expression);
                createdBy = null;
                break;

            case MaintainerInstruction maintainer:
                _config = _config with { Author = maintainer.Maintainer };
                createdBy = "MAINTAINER " + maintainer.Maintainer;
                break;

            case ArgInstruction arg:
                createdBy = "ARG " + string.Join(' ', arg.Args.Select(a => a.DefaultValue is null ? a.Name : a.Name + "=" + ArgDefaultText(a, step)));
                foreach (var declaration in arg.Args)
                {
                    var value = step.Args.TryGetValue(declaration.Name, out var bound) ? bound : null;
                    _declaredArgs.Add((declaration.Name, value));
                    if (value is not null)
                    {
                        _stateEnv[declaration.Name] = value;
                    }
                }

                break;

            case RunInstruction run:
                // BuildKit records the argv it runs: a heredoc already turned into the script (or its /dev/pipes path).
                createdBy = "RUN " + RunText(Solver.RunArguments.Process(run, _config, out _)?.Args ?? CommandFor(run.Command)) + " # buildkit";
                break;

            case CopyInstruction copy:
                createdBy = CopyText(copy.Parents ? "COPY --parents" : "COPY", copy.Chown, copy.ChmodText, copy.Sources, copy.SourceContents, copy.Destination);
                break;

            case AddInstruction add:
                createdBy = CopyText("ADD", add.Chown, add.ChmodText, add.Sources, add.SourceContents, add.Destination);
                break;

            default:
                throw new NotSupportedException($"{instruction.Keyword.ToUpperInvariant()} is not a step of a stage");
        }

        _config = _config with { Config = container };
        if (createdBy is not null)
        {
            _history.Add(new HistoryEntry
            {
                Created = layer?.Created,
                CreatedBy = createdBy,
                Comment = HistoryComment,
                EmptyLayer = layer is null,
            });
        }

        if (layer is not null)
        {
            _diffIds.Add(layer.DiffId);
        }
    }

    /// <summary>
    /// The finished config. <paramref name="labels"/> are <c>--label</c> values (they win over the Dockerfile's,
    /// with no history entry). Without <paramref name="sourceDateEpoch"/>, entries without a time get one as
    /// BuildKit's exporter gives it (see <see cref="HistoryTimes"/>) and <c>created</c> is the last history time;
    /// with it, every new entry and <c>created</c> take the epoch, and the base image's history is left as it is.
    /// </summary>
    public ImageConfig Build(IReadOnlyDictionary<string, string>? labels = null, OciTimestamp? sourceDateEpoch = null)
    {
        var container = _config.Config;
        if (labels is { Count: > 0 })
        {
            var merged = (container.Labels ?? ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)).ToBuilder();
            foreach (var (key, value) in labels)
            {
                merged[key] = value;
            }

            container = container with { Labels = merged.ToImmutable() };
        }

        var history = _history.ToArray();
        OciTimestamp? created;
        if (sourceDateEpoch is { } epoch)
        {
            for (var i = BaseHistoryCount; i < history.Length; i++)
            {
                history[i] = history[i] with { Created = epoch };
            }

            created = epoch;
        }
        else
        {
            HistoryTimes.Fill(history);
            created = history.LastOrDefault(h => h.Created is not null)?.Created;
        }

        return _config with
        {
            Config = container,
            Created = created,
            History = [.. history],
            RootFs = _config.RootFs with { DiffIds = [.. _diffIds] },
        };
    }

    private string RunText(ImmutableArray<string> args)
    {
        // BuildKit's runCommandString: every ARG declared in the stage so far (and in the stages it is built from),
        // once per name in the order first declared, "|N K=V ...", then the argv.
        if (_declaredArgs.Count == 0)
        {
            return string.Join(' ', args);
        }

        var shown = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in _declaredArgs)
        {
            if (seen.Add(name))
            {
                shown.Add(name + "=" + (_stateEnv.TryGetValue(name, out var fromEnv) ? fromEnv : value ?? string.Empty));
            }
        }

        var sb = new StringBuilder().Append('|').Append(shown.Count);
        foreach (var part in shown.Concat(args))
        {
            sb.Append(' ').Append(part);
        }

        return sb.ToString();
    }

    private string ArgDefaultText(ArgDeclaration declaration, BoundStep step)
    {
        var text = declaration.DefaultValue!;
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        // BuildKit shows the default after expansion. Without a --build-arg for it, that is the value it took.
        if (!_buildArgs.ContainsKey(declaration.Name) && step.Args.TryGetValue(declaration.Name, out var bound))
        {
            return bound;
        }

        var scope = new Dictionary<string, string>(_stateEnv, StringComparer.Ordinal);
        var expansion = new ShellWordExpander().ExpandWord(text, scope);
        return expansion.Succeeded ? expansion.Value ?? text : text;
    }

    /// <summary>
    /// dockerfile2llb's commit message for COPY and ADD (BuildKit 0.13 on): <c>--parents</c>, <c>--chown</c> and
    /// <c>--chmod</c> as expanded, then the sources and the destination; <c>--link</c>, <c>--from</c> and the other
    /// flags are not written. (BuildKit 0.8, docker 20.10's, wrote no flags; current BuildKit is the reference.)
    /// </summary>
    private static string CopyText(string keyword, string? chown, string? chmod, ImmutableArray<string> sources, ImmutableArray<HeredocSource> contents, string destination)
    {
        var sb = new StringBuilder(keyword);
        if (!string.IsNullOrEmpty(chown))
        {
            sb.Append(" --chown=").Append(chown);
        }

        if (!string.IsNullOrEmpty(chmod))
        {
            sb.Append(" --chmod=").Append(chmod);
        }

        foreach (var source in sources)
        {
            sb.Append(' ').Append(source);
        }

        foreach (var content in contents.IsDefault ? [] : contents)
        {
            sb.Append(" <<").Append(content.Path);
        }

        return sb.Append(' ').Append(destination).Append(" # buildkit").ToString();
    }

    /// <summary>
    /// fmt's <c>%q</c> of a <c>*HealthConfig</c>: <c>&amp;{["CMD-SHELL" "true"] "5s" "0s" "0s" "0s" '\x00'}</c>, with
    /// the StartInterval field after StartPeriod as current BuildKit (Docker 26's) prints it, set or not. (The BuildKit
    /// of docker 20.10 had no such field and printed three durations; current BuildKit is the reference.)
    /// </summary>
    internal static string HealthcheckText(HealthcheckConfig health)
    {
        var sb = new StringBuilder("&{");
        sb.Append(GoFormat.QuoteSlice(health.Test ?? []));
        sb.Append(' ').Append(GoFormat.Quote(GoFormat.Duration(health.Interval)));
        sb.Append(' ').Append(GoFormat.Quote(GoFormat.Duration(health.Timeout)));
        sb.Append(' ').Append(GoFormat.Quote(GoFormat.Duration(health.StartPeriod)));
        sb.Append(' ').Append(GoFormat.Quote(GoFormat.Duration(health.StartInterval)));

        sb.Append(' ').Append(GoFormat.QuoteRune(health.Retries));
        return sb.Append('}').ToString();
    }

    private static long Nanoseconds(TimeSpan value) => value.Ticks * 100;

    /// <summary>Go's path.Clean for an absolute path.</summary>
    private static string CleanPath(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }
}
