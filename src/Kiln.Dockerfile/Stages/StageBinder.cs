using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Stages;

/// <summary>
/// Turns parsed instructions into stages for one build, as BuildKit's dockerfile2llb does before it
/// builds anything: global ARGs and the FROM lines they feed, stage names and bases, ARG scoping
/// inside each stage (build args override defaults; ENV and ARG write one environment, the last
/// write wins; a stage built from a stage continues with its ARGs, see <see cref="StageVariables"/>),
/// expansion of every instruction, the stages each stage needs, the target, and the order to build only what the
/// target needs. Pure: the environment of base images comes from <paramref name="imageEnvironment"/>.
/// </summary>
internal sealed class StageBinder
{
    private readonly ImmutableArray<Instruction> _instructions;
    private readonly FrontendOptions _options;
    private readonly ImageEnvironmentLookup _imageEnvironment;
    private readonly ShellWordExpander _expander;
    private readonly ExpansionBudget _budget = new(FrontendLimits.MaxExpansionWork);
    private readonly ImmutableArray<Diagnostic>.Builder _diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
    private readonly HashSet<string> _consumedBuildArgs = new(StringComparer.Ordinal);
    private readonly ImmutableDictionary<string, string> _platformArgs;
    private readonly int _stageCount;
    private readonly CancellationToken _cancellationToken;

    private StageBinder(ImmutableArray<Instruction> instructions, char escapeToken, FrontendOptions options, ImageEnvironmentLookup imageEnvironment, CancellationToken cancellationToken)
    {
        _instructions = instructions;
        _options = options;
        _imageEnvironment = imageEnvironment;
        _cancellationToken = cancellationToken;

        // One budget for every expansion of this load: ARG defaults, FROM lines and each instruction.
        _expander = new ShellWordExpander(escapeToken) { Budget = _budget };
        _platformArgs = PredefinedArgs.Platform(options.TargetPlatform, Platform.Host);
        _stageCount = instructions.Count(i => i is FromInstruction);
    }

    /// <summary>Binds <paramref name="instructions"/> (in file order, already parsed).</summary>
    /// <returns>The definition, or null when an error makes one impossible; the diagnostics either way.</returns>
    public static (BuildDefinition? Definition, ImmutableArray<Diagnostic> Diagnostics) Bind(
        ImmutableArray<Instruction> instructions,
        char escapeToken,
        FrontendOptions options,
        ImageEnvironmentLookup imageEnvironment,
        CancellationToken cancellationToken = default)
    {
        var binder = new StageBinder(instructions, escapeToken, options, imageEnvironment, cancellationToken);
        var definition = binder.Bind();
        return (definition, binder._diagnostics.ToImmutable());
    }

    private BuildDefinition? Bind()
    {
        var globalArgs = BindGlobalArgs(out var firstFrom);
        if (firstFrom < 0)
        {
            Error(DiagnosticCodes.NoStages, "the Dockerfile has no stages to build: it needs at least one FROM", LastSpan());
            return null;
        }

        var stageHeads = SplitStages(firstFrom);
        var names = NameStages(stageHeads);
        var stages = ImmutableArray.CreateBuilder<BoundStage>(stageHeads.Count);
        var finished = new List<StageVariables>();
        foreach (var (from, body) in stageHeads)
        {
            var stage = BindStage(stages.Count, from, body, globalArgs, names, finished, out var final);
            stages.Add(stage);
            finished.Add(final);
            if (_budget.Exhausted)
            {
                // The error is reported once, where the budget ran out; every later expansion would only repeat it.
                return null;
            }
        }

        var all = stages.ToImmutable();
        var target = ResolveTarget(all);
        if (target is null)
        {
            return null;
        }

        var order = BuildOrder(all, target);
        WarnUnusedBuildArgs();
        return order.IsDefault || _diagnostics.Any(d => d.IsError)
            ? null
            : new BuildDefinition(globalArgs, all, target, order);
    }

    // ARGs before the first FROM are the only ones FROM lines see. Each default is expanded with
    // the platform ARGs and the global ARGs declared before it; a build arg replaces the default.
    private ImmutableDictionary<string, string> BindGlobalArgs(out int firstFrom)
    {
        var visible = _platformArgs.ToBuilder();
        var declared = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        firstFrom = -1;
        for (var i = 0; i < _instructions.Length; i++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            switch (_instructions[i])
            {
                case FromInstruction:
                    firstFrom = i;
                    return declared.ToImmutable();
                case ArgInstruction arg:
                    foreach (var declaration in arg.Args)
                    {
                        var value = ResolveArg(declaration, visible, globalValue: null, arg.Span);
                        if (value is not null)
                        {
                            visible[declaration.Name] = value;
                            declared[declaration.Name] = value;
                        }
                    }

                    break;
                default:
                    Error(
                        DiagnosticCodes.InstructionBeforeFrom,
                        $"no build stage in current context: {_instructions[i].Keyword.ToUpperInvariant()} must come after a FROM (only ARG may come before the first FROM)",
                        _instructions[i].Span);
                    break;
            }
        }

        return declared.ToImmutable();
    }

    private List<(FromInstruction From, List<Instruction> Body)> SplitStages(int firstFrom)
    {
        var stages = new List<(FromInstruction From, List<Instruction> Body)>();
        for (var i = firstFrom; i < _instructions.Length; i++)
        {
            if (_instructions[i] is FromInstruction from)
            {
                stages.Add((from, []));
            }
            else
            {
                stages[^1].Body.Add(_instructions[i]);
            }
        }

        return stages;
    }

    private Dictionary<string, int> NameStages(List<(FromInstruction From, List<Instruction> Body)> stages)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < stages.Count; i++)
        {
            if (stages[i].From.StageName is not { } name)
            {
                continue;
            }

            if (!names.TryAdd(name, i))
            {
                var first = stages[names[name]].From.Span.StartLine;
                Error(DiagnosticCodes.DuplicateStageName, $"duplicate stage name \"{name}\": already used on line {first}", stages[i].From.Span);
            }
        }

        return names;
    }

    private BoundStage BindStage(
        int index,
        FromInstruction from,
        List<Instruction> body,
        ImmutableDictionary<string, string> globalArgs,
        Dictionary<string, int> names,
        List<StageVariables> finished,
        out StageVariables final)
    {
        // FROM sees the global ARGs and the platform ARGs, nothing else.
        var fromScope = _platformArgs.SetItems(globalArgs);
        var expandedFrom = from;
        var fromExpansion = from.Expand(_expander, fromScope);
        _diagnostics.AddRange(fromExpansion.Diagnostics);
        if (fromExpansion.Succeeded)
        {
            expandedFrom = (FromInstruction)fromExpansion.Instruction;
        }

        // A FROM that failed to expand has already said why; resolving its unexpanded name would only add noise.
        var platform = fromExpansion.Succeeded ? ResolvePlatform(expandedFrom) : null;

        // A stage named like a --build-context is that context, as in BuildKit: none of its instructions run.
        if (from.StageName is { } stageName && NamedContextOf(stageName) is { } replacement)
        {
            var replacedBase = BaseOf(replacement);
            final = VariablesOf(replacedBase, platform, finished);
            return new BoundStage(index, stageName, expandedFrom, replacedBase, platform, [], []);
        }

        StageBase stageBase = fromExpansion.Succeeded ? ResolveBase(index, expandedFrom, names) : new StageBase.Scratch();
        var variables = VariablesOf(stageBase, platform, finished);
        var dependencies = new List<int>();
        if (stageBase is StageBase.Stage baseStage)
        {
            dependencies.Add(baseStage.Index);
        }

        var steps = ImmutableArray.CreateBuilder<BoundStep>(body.Count);
        foreach (var instruction in body)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (_budget.Exhausted)
            {
                break;
            }

            switch (instruction)
            {
                case ArgInstruction arg:
                    foreach (var declaration in arg.Args)
                    {
                        // Declared without a value (no build arg, default or global ARG): BuildKit leaves the state as
                        // it was, so a value the stage already had (from an earlier ARG, or its parent stage) stays.
                        globalArgs.TryGetValue(declaration.Name, out var globalValue);
                        if (ResolveArg(declaration, variables.State, globalValue, arg.Span) is { } value)
                        {
                            variables = variables.WithArg(declaration.Name, value);
                        }
                    }

                    steps.Add(new BoundStep(arg, variables.Args, []));
                    break;

                default:
                    var expansion = instruction.Expand(_expander, variables.State);
                    _diagnostics.AddRange(expansion.Diagnostics);
                    var expanded = expansion.Succeeded ? expansion.Instruction : instruction;
                    if (expanded is EnvInstruction env)
                    {
                        foreach (var variable in env.Variables)
                        {
                            variables = variables.WithEnv(variable.Name, variable.Value);
                        }
                    }

                    var sources = expansion.Succeeded ? ResolveSources(index, expanded, names, dependencies) : [];
                    steps.Add(new BoundStep(expanded, WithProxyArgs(variables), sources));
                    break;
            }
        }

        final = variables;
        return new BoundStage(index, expandedFrom.StageName, expandedFrom, stageBase, platform, steps.ToImmutable(), [.. dependencies]);
    }

    private StageVariables VariablesOf(StageBase stageBase, Platform? platform, List<StageVariables> finished) =>
        stageBase switch
        {
            StageBase.Stage parent => finished[parent.Index].Child(),
            StageBase.Image image => StageVariables.FromImage(_imageEnvironment(image.Reference, platform)),
            _ => StageVariables.FromImage(ImmutableDictionary<string, string>.Empty),
        };

    /// <summary>
    /// The <c>--build-context</c> that <paramref name="name"/> stands for, if any. BuildKit never lets one stand for
    /// scratch or for the main context.
    /// </summary>
    private NamedContext? NamedContextOf(string name) =>
        _options.NamedContexts is { } lookup
        && !string.Equals(name, "scratch", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(name, "context", StringComparison.OrdinalIgnoreCase)
            ? lookup(name)
            : null;

    /// <summary>What FROM starts from for a named context; <c>docker-image://scratch</c> is scratch, as in BuildKit.</summary>
    private static StageBase BaseOf(NamedContext context) => context switch
    {
        NamedContext.Image { Reference: var reference } when string.Equals(reference, "scratch", StringComparison.OrdinalIgnoreCase) => new StageBase.Scratch(),
        NamedContext.Image image => new StageBase.Image(image.Reference),
        NamedContext.Local local => new StageBase.Context(local.Name),
        _ => throw new InvalidOperationException("unknown named context"),
    };

    /// <summary>
    /// The value an ARG takes: the build arg if given, else its default (expanded in
    /// <paramref name="scope"/>), else the global ARG of that name, else the platform ARG of that
    /// name; null when it has none (declared but unset).
    /// </summary>
    private string? ResolveArg(ArgDeclaration declaration, IReadOnlyDictionary<string, string> scope, string? globalValue, SourceSpan span)
    {
        if (_options.BuildArgs.TryGetValue(declaration.Name, out var overridden))
        {
            _consumedBuildArgs.Add(declaration.Name);
            return overridden;
        }

        if (declaration.DefaultValue is { } defaultValue)
        {
            var expansion = _expander.ExpandWord(defaultValue, scope);
            if (!expansion.Succeeded)
            {
                Error(DiagnosticCodes.ArgExpansionFailed, $"ARG {declaration.Name}: {expansion.Error}", span);
                return null;
            }

            return expansion.Value;
        }

        return globalValue ?? _platformArgs.GetValueOrDefault(declaration.Name);
    }

    // Proxy build args reach RUN without an ARG line (Dockerfile reference, "Predefined ARGs"), unless the stage
    // sets the variable itself.
    private ImmutableDictionary<string, string> WithProxyArgs(StageVariables variables)
    {
        var args = variables.Args;
        foreach (var (name, value) in _options.BuildArgs)
        {
            if (PredefinedArgs.ProxyNames.Contains(name) && !variables.State.ContainsKey(name))
            {
                _consumedBuildArgs.Add(name);
                args = args.SetItem(name, value);
            }
        }

        return args;
    }

    private Platform? ResolvePlatform(FromInstruction from)
    {
        if (from.Platform is null)
        {
            return null;
        }

        if (Platform.TryParse(from.Platform, out var platform))
        {
            return platform;
        }

        Error(DiagnosticCodes.InvalidPlatform, $"FROM --platform={from.Platform}: expected os/arch[/variant], e.g. linux/amd64", from.Span);
        return null;
    }

    private StageBase ResolveBase(int index, FromInstruction from, Dictionary<string, int> names)
    {
        var baseName = from.BaseName;
        if (string.Equals(baseName, "scratch", StringComparison.OrdinalIgnoreCase))
        {
            return new StageBase.Scratch();
        }

        // An earlier stage wins over a named context (BuildKit looks the base up as a context only when no stage
        // of that name came before); a context wins over an image.
        var found = names.TryGetValue(baseName.ToLowerInvariant(), out var stage);
        if (found && stage < index)
        {
            return new StageBase.Stage(stage);
        }

        if (NamedContextOf(baseName) is { } context)
        {
            return BaseOf(context);
        }

        if (found)
        {
            // BuildKit would quietly pull an image of that name; a stage named so further down is
            // almost certainly what was meant, so say so instead of building something else.
            Error(
                DiagnosticCodes.StageDefinedLater,
                $"FROM {baseName}: stage \"{baseName.ToLowerInvariant()}\" is defined later, on line {StageLine(stage)}; a stage can only start from an earlier one",
                from.Span);
            return new StageBase.Scratch();
        }

        CheckImageReference(baseName, $"FROM {baseName}", from.Span, names);
        return new StageBase.Image(baseName);
    }

    private ImmutableArray<StageSource> ResolveSources(int index, Instruction instruction, Dictionary<string, int> names, List<int> dependencies)
    {
        IEnumerable<(string From, string What)> references = instruction switch
        {
            CopyInstruction { From: { } from } => [(from, $"COPY --from={from}")],
            RunInstruction run => run.Mounts.Where(m => m.From is not null).Select(m => (m.From!, $"RUN --mount from={m.From}")),
            _ => [],
        };

        var sources = ImmutableArray.CreateBuilder<StageSource>();
        foreach (var (from, what) in references)
        {
            var source = ResolveSource(index, from, what, instruction.Span, names);
            if (source is null)
            {
                continue;
            }

            sources.Add(source);
            if (source is StageSource.Stage stage && !dependencies.Contains(stage.Index))
            {
                dependencies.Add(stage.Index);
            }
        }

        return sources.ToImmutable();
    }

    /// <summary>A stage by name or index (any stage but this one; cycles are found later), else a named context, else an image.</summary>
    private StageSource? ResolveSource(int index, string from, string what, SourceSpan span, Dictionary<string, int> names)
    {
        if (from.Length > 0 && from.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(from, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                || number >= _stageCount)
            {
                Error(DiagnosticCodes.StageIndexOutOfRange, $"{what}: there is no stage {from}; stages are numbered from 0 to {_stageCount - 1}", span);
                return null;
            }

            return number == index ? SelfReference(what, span) : new StageSource.Stage(number);
        }

        if (names.TryGetValue(from.ToLowerInvariant(), out var named))
        {
            return named == index ? SelfReference(what, span) : new StageSource.Stage(named);
        }

        // Not a stage: a named context before an image, as BuildKit resolves --from.
        switch (NamedContextOf(from))
        {
            case NamedContext.Image image:
                return new StageSource.Image(image.Reference);
            case NamedContext.Local local:
                return new StageSource.Context(local.Name);
        }

        return CheckImageReference(from, what, span, names) ? new StageSource.Image(from) : null;
    }

    private StageSource? SelfReference(string what, SourceSpan span)
    {
        Error(DiagnosticCodes.StageReferencesItself, $"{what}: a stage cannot take files from itself", span);
        return null;
    }

    private bool CheckImageReference(string reference, string what, SourceSpan span, Dictionary<string, int> names)
    {
        var suggestion = SpellingSuggester.Suggest(reference.ToLowerInvariant(), names.Keys);
        if (!ImageReferenceSyntax.IsValid(reference))
        {
            var hint = suggestion is null ? string.Empty : $" (did you mean stage \"{suggestion}\"?)";
            Error(DiagnosticCodes.InvalidImageReference, $"{what}: \"{reference}\" is neither a stage of this Dockerfile nor a valid image reference{hint}", span);
            return false;
        }

        if (suggestion is not null)
        {
            _diagnostics.Add(Diagnostic.Warning(
                DiagnosticCodes.PossibleStageTypo,
                $"{what}: there is no stage \"{reference}\", so it is used as an image; did you mean stage \"{suggestion}\"?",
                span));
        }

        return true;
    }

    private BoundStage? ResolveTarget(ImmutableArray<BoundStage> stages)
    {
        if (_options.Target is null)
        {
            return stages[^1];
        }

        var wanted = _options.Target.ToLowerInvariant();
        var found = stages.FirstOrDefault(s => s.Name == wanted);
        if (found is not null)
        {
            return found;
        }

        var names = stages.Where(s => s.Name is not null).Select(s => s.Name!).ToList();
        var suggestion = SpellingSuggester.Suggest(wanted, names);
        var hint = suggestion is not null
            ? $"; did you mean \"{suggestion}\"?"
            : names.Count > 0 ? $"; the stages are: {string.Join(", ", names)}" : "; no stage has a name (use FROM image AS name)";
        Error(DiagnosticCodes.TargetNotFound, $"target stage \"{_options.Target}\" could not be found{hint}", SourceSpan.None);
        return null;
    }

    /// <summary>
    /// The target's dependencies, depth first, each stage after what it needs; a cycle is an error
    /// reported at the step that closes it.
    /// </summary>
    private ImmutableArray<BoundStage> BuildOrder(ImmutableArray<BoundStage> stages, BoundStage target)
    {
        var order = ImmutableArray.CreateBuilder<BoundStage>();
        var state = new int[stages.Length]; // 0 unvisited, 1 on the path, 2 done
        var path = new List<int>();
        var failed = false;

        void Visit(int index)
        {
            if (failed || state[index] == 2)
            {
                return;
            }

            if (state[index] == 1)
            {
                var cycle = path.Skip(path.IndexOf(index)).Append(index).Select(i => stages[i].DisplayName);
                var closing = stages[path[^1]];
                Error(
                    DiagnosticCodes.CircularDependency,
                    $"circular dependency between stages: {string.Join(" -> ", cycle)}",
                    StepNaming(closing, index) ?? closing.From.Span);
                failed = true;
                return;
            }

            state[index] = 1;
            path.Add(index);
            foreach (var dependency in stages[index].Dependencies)
            {
                Visit(dependency);
            }

            path.RemoveAt(path.Count - 1);
            state[index] = 2;
            order.Add(stages[index]);
        }

        Visit(target.Index);
        return failed ? default : order.ToImmutable();
    }

    private static SourceSpan? StepNaming(BoundStage stage, int dependency) =>
        stage.Steps.FirstOrDefault(s => s.Sources.Contains(new StageSource.Stage(dependency)))?.Instruction.Span;

    private void WarnUnusedBuildArgs()
    {
        var unused = _options.BuildArgs.Keys.Where(k => !_consumedBuildArgs.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
        {
            _diagnostics.Add(Diagnostic.Warning(
                DiagnosticCodes.UnusedBuildArg,
                $"one or more build args were not consumed: [{string.Join(" ", unused)}]",
                SourceSpan.None));
        }
    }

    private int StageLine(int stage) => _instructions.OfType<FromInstruction>().ElementAt(stage).Span.StartLine;

    private SourceSpan LastSpan() => _instructions.IsEmpty ? SourceSpan.None : _instructions[^1].Span;

    private void Error(string code, string message, SourceSpan span) => _diagnostics.Add(Diagnostic.Error(code, message, span));
}
