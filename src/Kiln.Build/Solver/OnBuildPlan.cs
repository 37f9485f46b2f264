using System.Collections.Immutable;
using Kiln.Build.Ports;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;

namespace Kiln.Build.Solver;

/// <summary>
/// The ONBUILD triggers each stage runs right after its FROM, and the build order they make, as BuildKit's
/// dockerfile2llb finds them (resolveStages, initOnBuildTriggers): a stage FROM an image runs the image's triggers; a
/// stage FROM another stage of the Dockerfile runs that stage's own ONBUILD instructions (not what it inherited: it
/// ran those). A trigger's <c>--from</c> (COPY, RUN --mount) names a stage of this Dockerfile, a
/// <c>--build-context</c> or an image, as the Dockerfile's own steps do; the stages it names are built first even
/// when the target needs them for nothing else, and their own triggers count in turn. A trigger's errors point at the
/// FROM of the stage that runs it, as BuildKit reports them.
/// </summary>
/// <param name="BuildOrder">The stages the target needs, itself last, each after what it and its triggers depend on;
/// each stage's <see cref="BoundStage.Steps"/> start with its trigger steps.</param>
/// <param name="TriggerCounts">How many of each stage's first steps are triggers.</param>
internal sealed record OnBuildPlan(ImmutableArray<BoundStage> BuildOrder, ImmutableDictionary<int, int> TriggerCounts)
{
    /// <summary>
    /// Plans with the images resolved so far. A stage whose base image is not among <paramref name="images"/> gets no
    /// triggers yet: the caller resolves the images the order names (<see cref="ImageReferences"/>) and plans again
    /// until none is missing.
    /// </summary>
    /// <exception cref="BuildFailedException">A trigger does not parse, or its <c>--from</c> closes a cycle.</exception>
    public static OnBuildPlan Create(BuildDefinition definition, IReadOnlyDictionary<string, BaseImage> images, FrontendOptions options)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var planner = new Planner(definition, images, options);
        return new OnBuildPlan(planner.Order(), planner.TriggerCounts());
    }

    /// <summary>Every image a build order needs (bases and <c>--from</c> sources, triggers' included), each with where it is named.</summary>
    public static ImmutableArray<(string Reference, Dockerfile.Text.SourceSpan Span)> ImageReferences(ImmutableArray<BoundStage> buildOrder)
    {
        var references = new List<(string, Dockerfile.Text.SourceSpan)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in buildOrder)
        {
            if (stage.Base is StageBase.Image image && seen.Add(image.Reference))
            {
                references.Add((image.Reference, stage.From.Span));
            }

            foreach (var step in stage.Steps)
            {
                foreach (var source in step.Sources.IsDefault ? [] : step.Sources)
                {
                    if (source is StageSource.Image sourceImage && seen.Add(sourceImage.Reference))
                    {
                        references.Add((sourceImage.Reference, step.Instruction.Span));
                    }
                }
            }
        }

        return [.. references];
    }

    private sealed class Planner(BuildDefinition definition, IReadOnlyDictionary<string, BaseImage> images, FrontendOptions options)
    {
        private readonly Dictionary<int, ImmutableArray<BoundStep>> _triggers = [];
        private readonly Dictionary<int, ImmutableDictionary<string, string>?> _finalEnvironments = [];

        public ImmutableDictionary<int, int> TriggerCounts() => _triggers.ToImmutableDictionary(p => p.Key, p => p.Value.Length);

        /// <summary>Depth first from the target over what each stage and its triggers need; a cycle is an error.</summary>
        public ImmutableArray<BoundStage> Order()
        {
            var order = ImmutableArray.CreateBuilder<BoundStage>();
            var state = new Dictionary<int, bool>(); // false while on the path, true once done
            var path = new List<int>();

            void Visit(int index)
            {
                if (state.TryGetValue(index, out var done))
                {
                    if (!done)
                    {
                        var cycle = path.Skip(path.IndexOf(index)).Append(index).Select(i => definition.Stages[i].DisplayName);
                        throw BuildFailedException.At(
                            DiagnosticCodes.CircularDependency,
                            $"circular dependency between stages: {string.Join(" -> ", cycle)} (through an ONBUILD trigger)",
                            definition.Stages[path[^1]].From.Span);
                    }

                    return;
                }

                state[index] = false;
                path.Add(index);
                var stage = Planned(index);
                foreach (var dependency in stage.Dependencies)
                {
                    Visit(dependency);
                }

                path.RemoveAt(path.Count - 1);
                state[index] = true;
                order.Add(stage);
            }

            Visit(definition.Target.Index);
            return order.ToImmutable();
        }

        /// <summary>The stage with its triggers first and what they depend on added to its dependencies.</summary>
        private BoundStage Planned(int index)
        {
            var stage = definition.Stages[index];
            var triggers = Triggers(index);
            if (triggers.IsEmpty)
            {
                return stage;
            }

            var dependencies = stage.Dependencies.ToList();
            foreach (var source in triggers.SelectMany(s => s.Sources.IsDefault ? [] : s.Sources).OfType<StageSource.Stage>())
            {
                if (!dependencies.Contains(source.Index))
                {
                    dependencies.Add(source.Index);
                }
            }

            return stage with { Steps = triggers.AddRange(stage.Steps), Dependencies = [.. dependencies] };
        }

        private ImmutableArray<BoundStep> Triggers(int index)
        {
            if (_triggers.TryGetValue(index, out var known))
            {
                return known;
            }

            var stage = definition.Stages[index];
            (ImmutableArray<string> Texts, ImmutableDictionary<string, string>? Environment, string What) source = stage.Base switch
            {
                StageBase.Image image when images.TryGetValue(image.Reference, out var resolved) =>
                    (resolved.Config.Config.OnBuild ?? [], Config.OnBuildParser.Environment(resolved.Config.Config.Env), image.Reference),
                StageBase.Stage parent => (
                    definition.Stages[parent.Index].Steps.Select(s => s.Instruction).OfType<OnbuildInstruction>().Select(o => o.Expression).ToImmutableArray(),
                    FinalEnvironment(parent.Index),
                    "stage " + definition.Stages[parent.Index].DisplayName),
                _ => ([], null, string.Empty),
            };

            // Without the environment (an image under the parent is not resolved yet) the triggers wait for the next plan.
            if (source.Environment is null)
            {
                _triggers[index] = [];
                return [];
            }

            var (steps, diagnostics) = Config.OnBuildParser.Parse(source.Texts, source.Environment, options, definition.Stages);
            if (diagnostics.FirstOrDefault(d => d.IsError) is { } error)
            {
                throw BuildFailedException.At(error.Code, $"the ONBUILD triggers of {source.What}: {error.Message}", stage.From.Span);
            }

            // Located at the FROM that runs them: their own lines are in another Dockerfile.
            var located = steps.Select(s => s with { Instruction = s.Instruction with { Span = stage.From.Span } }).ToImmutableArray();
            _triggers[index] = located;
            return located;
        }

        /// <summary>
        /// The environment a stage ends with, which its children's triggers are expanded in: its base's, then the ENV
        /// of its triggers and its steps; null while an image under it is not resolved.
        /// </summary>
        private ImmutableDictionary<string, string>? FinalEnvironment(int index)
        {
            if (_finalEnvironments.TryGetValue(index, out var known))
            {
                return known;
            }

            var stage = definition.Stages[index];
            var environment = stage.Base switch
            {
                StageBase.Image image => images.TryGetValue(image.Reference, out var resolved) ? Config.OnBuildParser.Environment(resolved.Config.Config.Env) : null,
                StageBase.Stage parent => FinalEnvironment(parent.Index),
                _ => ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal),
            };
            if (environment is null)
            {
                return null;
            }

            foreach (var env in Triggers(index).Concat(stage.Steps).Select(s => s.Instruction).OfType<EnvInstruction>())
            {
                foreach (var variable in env.Variables)
                {
                    environment = environment.SetItem(variable.Name, variable.Value);
                }
            }

            _finalEnvironments[index] = environment;
            return environment;
        }
    }
}
