using System.Collections.Immutable;
using System.Globalization;
using Kiln.Build.Ports;
using Kiln.Build.Progress;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Stages;
using Kiln.Dockerfile.Text;
using Kiln.Oci;

namespace Kiln.Build.Solver;

/// <summary>
/// The build, start to end: bind the Dockerfile, resolve the base images (their Env feeds the binding), refuse
/// what the engine cannot run, build the stages the target needs (independent ones in parallel), then export.
/// </summary>
public sealed class BuildEngine(BuildPorts ports, IProgressSink progress, TimeProvider time)
{
    private readonly ProgressTracker _tracker = new(progress, time);

    /// <exception cref="BuildFailedException">The Dockerfile, a base image or a step failed; the diagnostics say where.</exception>
    /// <exception cref="BuildInternalException">Kiln itself failed: a bug, with the fault inside.</exception>
    public async Task<BuildResult> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await BuildCoreAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (BuildInternalException.IsInternal(e))
        {
            throw new BuildInternalException(e, step: null);
        }
    }

    private async Task<BuildResult> BuildCoreAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        var created = request.SourceDateEpoch ?? time.GetUtcNow();
        var platform = OciPlatform.Host;

        var load = _tracker.Start($"[internal] load build definition from {request.DockerfileName}");
        var check = DockerfileFrontend.Check(request.DockerfileText, request.Options, cancellationToken);
        if (check.Definition is null)
        {
            load.Fail("the Dockerfile has errors");
            throw new BuildFailedException(check.Diagnostics);
        }

        load.Complete();

        // Base references are expanded with the global ARGs only, so the check pass already knows the Dockerfile's own.
        // ONBUILD triggers may need more stages and images: resolve, bind (the images' Env feeds the binding), plan the
        // triggers, and again while the plan names an image not resolved yet.
        var images = ImmutableDictionary<string, BaseImage>.Empty.WithComparers(StringComparer.Ordinal);
        var pending = OnBuildPlan.ImageReferences(check.Definition.BuildOrder);
        BuildDefinition definition;
        OnBuildPlan plan;
        while (true)
        {
            var resolved = await ResolveImagesAsync(pending, request, platform, cancellationToken).ConfigureAwait(false);
            images = images.SetItems(resolved);
            var known = images;
            var bound = DockerfileFrontend.Load(request.DockerfileText, request.Options, (reference, _) => EnvironmentOf(known, reference), cancellationToken);
            if (bound.Definition is null)
            {
                throw new BuildFailedException(bound.Diagnostics);
            }

            plan = OnBuildPlan.Create(bound.Definition, images, request.Options);
            pending = [.. OnBuildPlan.ImageReferences(plan.BuildOrder).Where(r => !known.ContainsKey(r.Reference))];
            if (pending.IsEmpty)
            {
                definition = bound.Definition with { BuildOrder = plan.BuildOrder };
                break;
            }
        }

        var unsupported = UnsupportedFeatures.Find(definition, ports).AddRange(Entitlements.Find(definition, request))
            .AddRange(request.NoCacheStages.Where(name => !definition.Stages.Any(s => s.Name == name)).Order(StringComparer.Ordinal)
                .Select(name => Diagnostic.Error(BuildErrorCodes.UnknownStage, $"--no-cache-filter names no stage of the Dockerfile: {name}", SourceSpan.None)));
        if (!unsupported.IsEmpty)
        {
            throw new BuildFailedException(unsupported);
        }

        var session = new BuildSession(ports, request, _tracker, images, platform, created, NameUnnamedStages: definition.Stages.Length > 1)
        {
            TriggerCounts = plan.TriggerCounts,
        };
        var builder = new StageBuilder(session);
        ImmutableDictionary<int, StageResult> results;
        using (var scheduler = new StageScheduler(definition.BuildOrder, request.Parallelism, builder.BuildAsync))
        {
            results = await scheduler.RunAsync(cancellationToken).ConfigureAwait(false);
        }

        var target = results[definition.Target.Index];
        var export = await ExportAsync(session, target, request, created, cancellationToken).ConfigureAwait(false);
        var sizes = definition.BuildOrder.Select(s => new StageSize(s.DisplayName, results[s.Index].Size)).ToImmutableArray();
        return new BuildResult(export, sizes);
    }

    private async Task<ImmutableDictionary<string, BaseImage>> ResolveImagesAsync(
        ImmutableArray<(string Reference, SourceSpan Span)> references,
        BuildRequest request,
        OciPlatform platform,
        CancellationToken cancellationToken)
    {
        if (references.IsEmpty)
        {
            return ImmutableDictionary<string, BaseImage>.Empty;
        }

        if (ports.Images is not { } source)
        {
            var first = references.First();
            throw BuildFailedException.At(
                BuildErrorCodes.NotSupportedYet,
                $"loading base images is not supported yet: the image source is not wired in ({first.Reference})",
                first.Span);
        }

        var tasks = references.Select(async pair =>
        {
            var vertex = _tracker.Start($"[internal] load metadata for {Normalized(pair.Reference)}");
            try
            {
                var image = await source.ResolveAsync(pair.Reference, platform, request.Pull, cancellationToken).ConfigureAwait(false);
                vertex.Complete();
                return KeyValuePair.Create(pair.Reference, image);
            }
            catch (OperationCanceledException)
            {
                vertex.Cancel();
                throw;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                vertex.Fail(e.Message);
                throw BuildFailedException.At(BuildErrorCodes.BaseImage, $"failed to resolve {pair.Reference}: {e.Message}", pair.Span, innerException: e);
            }
        }).ToArray();
        var resolved = await Task.WhenAll(tasks).ConfigureAwait(false);
        return resolved.ToImmutableDictionary(StringComparer.Ordinal);
    }

    private static string Normalized(string reference) =>
        ImageReference.TryParse(reference, out var parsed, out _) ? parsed.ToString() : reference;

    private static Dictionary<string, string> EnvironmentOf(ImmutableDictionary<string, BaseImage> images, string reference)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (images.TryGetValue(reference, out var image))
        {
            foreach (var entry in image.Config.Config.Env ?? [])
            {
                var equals = entry.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    env[entry[..equals]] = entry[(equals + 1)..];
                }
            }
        }

        return env;
    }

    private async Task<ExportResult> ExportAsync(BuildSession session, StageResult target, BuildRequest request, DateTimeOffset created, CancellationToken cancellationToken)
    {
        var config = session.Configurator.Finish(target.Config, request.Labels, request.SourceDateEpoch);
        if (!config.RootFs.DiffIds.SequenceEqual(target.Layers.Select(l => l.RootFsEntry)))
        {
            throw new InvalidOperationException("the config's rootfs does not list the stage's layers");
        }

        var exporter = ports.Exporter ?? throw new InvalidOperationException("no exporter");
        var vertex = _tracker.Start("exporting to image");
        try
        {
            var layers = await ExportLayersAsync(target.Layers, request.SourceDateEpoch, vertex, cancellationToken).ConfigureAwait(false);
            config = config with { RootFs = config.RootFs with { DiffIds = [.. layers.Select(l => l.DiffId!.Value)] } };
            var result = await exporter.ExportAsync(new BuiltImage(config, layers, created), cancellationToken).ConfigureAwait(false);
            vertex.Log($"writing image {result.ImageId} done");
            vertex.Complete();
            return result;
        }
        catch (OperationCanceledException)
        {
            vertex.Cancel();
            throw;
        }
        catch (Exception e) when (BuildInternalException.IsInternal(e))
        {
            var fault = new BuildInternalException(e, "exporting to image");
            vertex.Fail(fault.Message);
            throw fault;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not BuildFailedException)
        {
            vertex.Fail(e.Message);
            throw BuildFailedException.At(BuildErrorCodes.StepFailed, $"exporting the image failed: {e.Message}", SourceSpan.None, "exporting to image", innerException: e);
        }
    }

    /// <summary>
    /// The target's layers as blobs: those that are only snapshots (its own steps' and its parent stages') are
    /// tarred now, several at once (each is one tar stream and one hash), and their cache entries told. Builder
    /// stages' layers never come here.
    /// </summary>
    private async Task<ImmutableArray<LayerRef>> ExportLayersAsync(ImmutableArray<LayerRef> layers, DateTimeOffset? sourceDateEpoch, ProgressVertex vertex, CancellationToken cancellationToken)
    {
        if (layers.All(l => l.IsStored))
        {
            return layers;
        }

        vertex.Log("exporting layers");
        var started = time.GetTimestamp();
        var differ = ports.Differ ?? throw new InvalidOperationException("IDiffer is not wired in");
        var exported = layers.ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        var pending = Enumerable.Range(0, exported.Length).Where(i => !exported[i].IsStored).ToArray();
        await Parallel.ForEachAsync(pending, options, async (i, token) =>
        {
            exported[i] = await differ.ExportAsync(exported[i], sourceDateEpoch, token).ConfigureAwait(false);
            if (ports.Cache is { } cache)
            {
                await cache.ExportedAsync(exported[i], token).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        vertex.Log(string.Create(CultureInfo.InvariantCulture, $"exporting layers {time.GetElapsedTime(started).TotalSeconds:0.0}s done"));
        return [.. exported];
    }
}
