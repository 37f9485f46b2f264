using System.Collections.Immutable;
using System.Globalization;
using Kiln.Build.Ports;
using Kiln.Build.Progress;
using Kiln.Content.IO;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;

namespace Kiln.Build.Solver;

/// <summary>
/// Builds one stage, step by step: metadata instructions only change the config; RUN, COPY, ADD and WORKDIR are
/// looked up in the cache by key and, on a miss, run on a fresh overlay whose changes become a layer.
/// </summary>
internal sealed class StageBuilder(BuildSession session)
{
    private const int TailLines = 10;

    /// <summary>BuildKit's RUN hostname.</summary>
    private const string Hostname = "buildkitsandbox";

    public async Task<StageResult> BuildAsync(BoundStage stage, Func<int, Task<StageResult>> resultOf, CancellationToken cancellationToken)
    {
        var triggers = session.TriggerCounts.GetValueOrDefault(stage.Index);
        var steps = stage.Steps;
        var operations = 1 + steps.Count(s => IsFilesystemStep(s.Instruction));
        var state = await StartAsync(stage, operations, resultOf, cancellationToken).ConfigureAwait(false);
        state = state with { IgnoresCache = IgnoresCache(stage) };
        var operation = 1;
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            cancellationToken.ThrowIfCancellationRequested();
            if (Config.StepLayer.MakesLayer(step.Instruction, state.Config.Config.WorkingDir))
            {
                operation++;
                var text = i < triggers ? "ONBUILD " + step.Instruction.Original : step.Instruction.Original;
                var name = VertexName(stage, operation, operations, text);
                state = await FilesystemStepAsync(state, step, name, resultOf, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                state = state with { Config = session.Configurator.Apply(state.Config, step, null, session.Created) };
            }
        }

        return state;
    }

    /// <summary>
    /// The ops BuildKit counts in <c>[stage n/N]</c>: FROM and the instructions that may touch the filesystem. A WORKDIR
    /// of <c>/</c> counts but shows no step (<see cref="Config.StepLayer"/>), as in BuildKit.
    /// </summary>
    private static bool IsFilesystemStep(Instruction instruction) =>
        instruction is RunInstruction or CopyInstruction or AddInstruction or WorkdirInstruction;

    private string VertexName(BoundStage stage, int operation, int operations, string text)
    {
        var prefix = stage.Name ?? (session.NameUnnamedStages ? stage.DisplayName : null);
        var position = string.Create(CultureInfo.InvariantCulture, $"{operation}/{operations}");
        return prefix is null ? $"[{position}] {text}" : $"[{prefix} {position}] {text}";
    }

    private async Task<StageResult> StartAsync(BoundStage stage, int operations, Func<int, Task<StageResult>> resultOf, CancellationToken cancellationToken)
    {
        var cache = session.Ports.Cache;
        switch (stage.Base)
        {
            case StageBase.Stage parent:
                // The same state as the parent's end: BuildKit shows no vertex for it. The config forks: several
                // stages may continue from the same parent.
                var parentResult = await resultOf(parent.Index).ConfigureAwait(false);
                return parentResult with { Config = session.Configurator.FromStage(parentResult.Config) };
            case StageBase.Image image:
                var resolved = session.Images[image.Reference];
                var vertex = session.Progress.Start(VertexName(stage, 1, operations, $"FROM {Pinned(resolved)}"));
                vertex.Complete();
                return new StageResult(
                    session.Configurator.Start(resolved, session.Platform),
                    resolved.Layers,
                    cache?.BaseKey(resolved, session.Platform) ?? default);
            case StageBase.Context named:
                return await ContextBaseAsync(stage, named.Name, resultOf, cancellationToken).ConfigureAwait(false);
            default:
                return new StageResult(session.Configurator.Start(null, session.Platform), [], cache?.BaseKey(null, session.Platform) ?? default);
        }
    }

    /// <summary>
    /// <c>FROM name</c> of a <c>--build-context</c> directory: scratch with the directory's files as one layer, made as
    /// <c>COPY . /</c> from it would make it, so that the layer is keyed on the files' content and cached like any COPY
    /// (a changed file reruns what follows, an unchanged one is CACHED). BuildKit names the transfer so.
    /// </summary>
    private Task<StageResult> ContextBaseAsync(BoundStage stage, string name, Func<int, Task<StageResult>> resultOf, CancellationToken cancellationToken)
    {
        var cache = session.Ports.Cache;
        var scratch = new StageResult(session.Configurator.Start(null, session.Platform), [], cache?.BaseKey(null, session.Platform) ?? default)
        {
            IgnoresCache = IgnoresCache(stage),
        };
        var copy = new CopyInstruction(["."], [], "/", null, null, null, null, false, false, [])
        {
            Span = stage.From.Span,
            Original = stage.From.Original,
        };
        var step = new BoundStep(copy, ImmutableDictionary<string, string>.Empty, [new StageSource.Context(name)]);
        return FilesystemStepAsync(scratch, step, $"[context {name}] load from client", resultOf, cancellationToken);
    }

    /// <summary>--no-cache, or --no-cache-filter naming the stage: its steps never look the cache up.</summary>
    private bool IgnoresCache(BoundStage stage) =>
        session.Request.NoCache || (stage.Name is { } named && session.Request.NoCacheStages.Contains(named));

    private static string Pinned(BaseImage image) =>
        image.Reference.Contains('@', StringComparison.Ordinal) ? image.Reference : $"{image.Reference}@{image.ManifestDigest}";

    private async Task<StageResult> FilesystemStepAsync(StageResult state, BoundStep step, string name, Func<int, Task<StageResult>> resultOf, CancellationToken cancellationToken)
    {
        var vertex = session.Progress.Start(name);
        try
        {
            var result = step.Instruction switch
            {
                RunInstruction run => await RunAsync(state, step, run, vertex, name, resultOf, cancellationToken).ConfigureAwait(false),
                WorkdirInstruction workdir => await WorkdirAsync(state, step, workdir, vertex, cancellationToken).ConfigureAwait(false),
                _ => await CopyAsync(state, step, vertex, resultOf, cancellationToken).ConfigureAwait(false),
            };
            return result;
        }
        catch (OperationCanceledException)
        {
            vertex.Cancel();
            throw;
        }
        catch (Exception e) when (e is BuildFailedException or BuildInternalException)
        {
            vertex.Fail(e.Message);
            throw;
        }
        catch (Exception e) when (BuildInternalException.IsInternal(e))
        {
            // Kiln's own fault: never shown as the user's step failing at its line.
            var fault = new BuildInternalException(e, name);
            vertex.Fail(fault.Message);
            throw fault;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A part failed (a missing COPY source, an I/O error): the user gets its message at the step's line.
            vertex.Fail(e.Message);
            throw BuildFailedException.At(BuildErrorCodes.StepFailed, e.Message, step.Instruction.Span, name, innerException: e);
        }
    }

    private async Task<StageResult> RunAsync(
        StageResult state, BoundStep step, RunInstruction run, ProgressVertex vertex, string name, Func<int, Task<StageResult>> resultOf, CancellationToken cancellationToken)
    {
        var process = RunArguments.Process(run, state.Config, out var invalid)
            ?? throw BuildFailedException.At(BuildErrorCodes.StepFailed, invalid!, run.Span, name);
        var args = process.Args;
        var env = RunArguments.Env(state.Config, step);
        var network = run.Network != RunNetwork.Default ? run.Network
            : session.Request.Network != RunNetwork.Default ? session.Request.Network
            : RunNetwork.Host;
        var config = state.Config.Config;
        var mounts = RunArguments.Mounts(run, config.WorkingDir).ToBuilder();

        // A bind mount shows a copy of its source, made for the run as COPY would copy it (so .dockerignore holds
        // and a rw bind's writes are thrown away); what it holds is part of the key, as COPY's sources are.
        var binds = new List<(int Index, CopyOperation Operation)>();
        var sourceMounts = new List<IRootfsMount>();
        try
        {
            var fromIndex = 0;
            for (var i = 0; i < run.Mounts.Length; i++)
            {
                var written = run.Mounts[i];
                CopySource source = new CopySource.Context();
                StageSource? from = null;
                if (written.From is not null)
                {
                    from = step.Sources[fromIndex++];
                    (source, var sourceMount) = await OpenSourceAsync(from, resultOf, cancellationToken).ConfigureAwait(false);
                    if (sourceMount is not null)
                    {
                        sourceMounts.Add(sourceMount);
                    }
                }

                if (written.Type == MountType.Cache && mounts[i].Source is { } seedDirectory)
                {
                    mounts[i] = from is null
                        ? throw BuildFailedException.At(BuildErrorCodes.StepFailed, $"the cache mount at {mounts[i].Target} is seeded from {seedDirectory}, but has no from=: an empty image has no {seedDirectory}", run.Span, name)
                        : await CacheSeed.ApplyAsync(mounts[i], source, await LayersOfAsync(from, resultOf).ConfigureAwait(false), Port(session.Ports.Files), run, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (written.Type != MountType.Bind)
                {
                    continue;
                }

                var copy = new CopyInstruction([mounts[i].Source!], [], BindCopyName, null, null, null, null, false, false, [])
                {
                    Span = run.Span,
                    Original = run.Original,
                };
                var operation = new CopyOperation(copy, source, "/");
                binds.Add((i, operation));
                mounts[i] = mounts[i] with { SourceDigest = await Port(session.Ports.Files).DigestSourcesAsync(operation, cancellationToken).ConfigureAwait(false) };
            }

            // The build's resource limits are not part of the key (see RunResources).
            var key = new StepKeyInput(step, state.Config, env, null, session.Platform) { Args = args, Files = process.Files, Mounts = mounts.ToImmutable(), Network = network, ExtraHosts = session.Request.ExtraHosts, ShmSize = session.Request.ShmSize, Ulimits = session.Request.Ulimits };
            return await LayerStepAsync(state, step, key, vertex, async mount =>
            {
                // Only a RUN with bind mounts needs a scratch directory: no I/O is added to every other RUN.
                var copies = binds.Count > 0 ? Directory.CreateTempSubdirectory("kiln-bind-").FullName : null;
                try
                {
                    var running = mounts.ToImmutable().ToBuilder();
                    foreach (var (index, operation) in binds)
                    {
                        var root = Path.Combine(copies!, index.ToString(CultureInfo.InvariantCulture));
                        Directory.CreateDirectory(root);
                        await Port(session.Ports.Files).CopyAsync(operation, root, cancellationToken).ConfigureAwait(false);
                        running[index] = running[index] with { HostPath = Path.Combine(root, BindCopyName.TrimStart('/')) };
                    }

                    var (withSecrets, runEnv) = WithSecrets(running.ToImmutable(), env, run, name);
                    await ExecuteAsync(mount, run, name, args, runEnv, config, network, process.Files, withSecrets, vertex, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (copies is not null)
                    {
                        // By descriptor: a read-write bind lets the step write paths longer than PATH_MAX into its copy.
                        DirectoryTree.Remove(copies);
                    }
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var sourceMount in sourceMounts)
            {
                await sourceMount.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Gives each secret mount its value from <c>--secret</c>, and each ssh mount its agent socket from <c>--ssh</c>, at
    /// run time only (the key never sees them): a secret becomes a file mount, a variable (env=), or both. One that
    /// was not given fails the step when the mount is <c>required</c> and is left out otherwise, as BuildKit does.
    /// </summary>
    private (ImmutableArray<ExecMount> Mounts, ImmutableArray<string> Env) WithSecrets(ImmutableArray<ExecMount> mounts, ImmutableArray<string> env, RunInstruction run, string name)
    {
        var kept = ImmutableArray.CreateBuilder<ExecMount>();
        var runEnv = env.ToBuilder();
        foreach (var mount in mounts)
        {
            if (mount.Type == MountType.Ssh)
            {
                if (!session.Request.SshAgents.TryGetValue(mount.Id!, out var socket))
                {
                    LeaveOut(mount, $"ssh agent {mount.Id}", $"--ssh {mount.Id}[=SOCKET]");
                    continue;
                }

                // As llb's exec does: the first agent becomes SSH_AUTH_SOCK unless the environment sets one.
                if (!runEnv.Any(e => e.StartsWith("SSH_AUTH_SOCK=", StringComparison.Ordinal)))
                {
                    runEnv.Add("SSH_AUTH_SOCK=" + mount.Target);
                }

                kept.Add(mount with { HostPath = socket });
                continue;
            }

            if (mount.Type != MountType.Secret)
            {
                kept.Add(mount);
                continue;
            }

            if (!session.Request.Secrets.TryGetValue(mount.Id!, out var value))
            {
                LeaveOut(mount, $"secret {mount.Id}", $"--secret id={mount.Id},src=FILE (or env=VARIABLE)");
                continue;
            }

            if (mount.SecretEnv is { } variable)
            {
                runEnv.Add(variable + "=" + System.Text.Encoding.UTF8.GetString(value.AsSpan()));
            }

            if (mount.Target.Length > 0)
            {
                kept.Add(mount with { SecretContent = value });
            }
        }

        return (kept.ToImmutable(), runEnv.ToImmutable());

        // What was not given is left out, unless the mount is required.
        void LeaveOut(ExecMount mount, string what, string flag)
        {
            if (mount.Required)
            {
                throw BuildFailedException.At(BuildErrorCodes.StepFailed, $"{what} is required but was not given: pass it with kiln build {flag}", run.Span, name);
            }
        }
    }

    /// <summary>Where a bind's source is copied inside its scratch root: "COPY src /m" puts a file at /m and a directory's content in /m.</summary>
    private const string BindCopyName = "/m";

    private async Task ExecuteAsync(
        IRootfsMount mount,
        RunInstruction run,
        string name,
        ImmutableArray<string> args,
        ImmutableArray<string> env,
        Kiln.Oci.ContainerConfig config,
        RunNetwork network,
        ImmutableArray<ExecFile> files,
        ImmutableArray<ExecMount> mounts,
        ProgressVertex vertex,
        CancellationToken cancellationToken)
    {
        var tail = new OutputTail(TailLines);
        var request = new ExecRequest(
            mount,
            args,
            env,
            string.IsNullOrEmpty(config.WorkingDir) ? "/" : config.WorkingDir,
            config.User ?? string.Empty,
            network,
            Hostname)
        {
            Files = files,
            Mounts = mounts,
            Insecure = run.Security == RunSecurity.Insecure,
            ExtraHosts = session.Request.ExtraHosts,
            ShmSize = session.Request.ShmSize,
            Ulimits = session.Request.Ulimits,
            Resources = session.Request.Resources,
        };
        var result = await Port(session.Ports.Executor).RunAsync(
            request,
            line =>
            {
                tail.Add(line);
                vertex.Log(line);
            },
            cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            // BuildKit's wording, which users search for (with its ": cannot allocate memory" after an OOM kill), then
            // which limit stopped the step.
            var message = string.Create(
                CultureInfo.InvariantCulture,
                $"process \"{string.Join(' ', args)}\" did not complete successfully: exit code: {result.ExitCode}{LimitsReached(result, session.Request.Resources)}");
            throw BuildFailedException.At(BuildErrorCodes.RunFailed, message, run.Span, name, tail.ToImmutableArray());
        }
    }

    private static string LimitsReached(ExecResult result, RunResources resources)
    {
        var text = new System.Text.StringBuilder();
        if (result.OomKills > 0)
        {
            var limit = resources.Memory is { } bytes ? $" of {bytes / 1048576.0:0.#} MiB" : string.Empty;
            var killed = result.OomKills == 1 ? "1 of its processes" : $"{result.OomKills} of its processes";
            text.Append(CultureInfo.InvariantCulture, $": cannot allocate memory: the step reached its memory limit{limit} (--memory) and the kernel's OOM killer killed {killed}");
        }

        if (result.ForksRefused > 0)
        {
            var flag = resources.PidsLimit is null ? "kiln's default for --pids-limit" : "--pids-limit";
            var refused = result.ForksRefused == 1 ? "1 new process or thread was refused" : $"{result.ForksRefused} new processes or threads were refused";
            text.Append(CultureInfo.InvariantCulture, $": the step reached its limit of {result.PidsLimit} processes and threads ({flag}) and {refused}");
        }

        return text.ToString();
    }

    /// <summary>
    /// Where COPY --from or RUN --mount from= reads: a named context in place, as the main context is read; a stage's
    /// result or an image mounted read-only, with the mount to release afterwards.
    /// </summary>
    private async Task<(CopySource Source, IRootfsMount? Mount)> OpenSourceAsync(StageSource source, Func<int, Task<StageResult>> resultOf, CancellationToken cancellationToken)
    {
        if (source is StageSource.Context named)
        {
            return (new CopySource.Context(named.Name), null);
        }

        var (layers, sourceName) = source switch
        {
            StageSource.Stage other => ((await resultOf(other.Index).ConfigureAwait(false)).Layers, $"stage {other.Index}"),
            StageSource.Image image => (session.Images[image.Reference].Layers, session.Images[image.Reference].Reference),
            _ => throw new InvalidOperationException("unknown source"),
        };
        var mount = await Port(session.Ports.Snapshotter).MountAsync(layers, writable: false, cancellationToken).ConfigureAwait(false);
        return (new CopySource.Root(mount.RootPath, sourceName), mount);
    }

    /// <summary>A stage's or image's layers (what a cache seeded from it is kept by); default for a named context.</summary>
    private async Task<ImmutableArray<LayerRef>> LayersOfAsync(StageSource source, Func<int, Task<StageResult>> resultOf) => source switch
    {
        StageSource.Stage other => (await resultOf(other.Index).ConfigureAwait(false)).Layers,
        StageSource.Image image => session.Images[image.Reference].Layers,
        _ => default,
    };

    private async Task<StageResult> WorkdirAsync(StageResult state, BoundStep step, WorkdirInstruction workdir, ProgressVertex vertex, CancellationToken cancellationToken)
    {
        var path = Config.ImageConfigBuilder.JoinWorkdir(state.Config.Config.WorkingDir, workdir.Path);
        var user = state.Config.Config.User ?? string.Empty;
        var key = new StepKeyInput(step, state.Config, [], null, session.Platform) { Directory = path };
        return await LayerStepAsync(
            state,
            step,
            key,
            vertex,
            mount => Port(session.Ports.Files).CreateWorkdirAsync(mount.RootPath, path, user, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<StageResult> CopyAsync(StageResult state, BoundStep step, ProgressVertex vertex, Func<int, Task<StageResult>> resultOf, CancellationToken cancellationToken)
    {
        var files = Port(session.Ports.Files);
        var instruction = (IFileInstruction)step.Instruction;

        // --link copies onto an empty root, made a layer of its own that is then stacked on the stage: nothing below
        // is read, so the layer and its cache entry outlive a change under it. BuildKit links only without --chmod
        // (dockerfile2llb: cfg.link && cfg.chmod == ""); with it the copy is an ordinary one.
        var linked = instruction.Link && instruction.ChmodText is null;
        var keyed = step;
        if (linked && instruction.Chown is { } chown && Copy.OwnerResolver.NeedsLookup(chown))
        {
            keyed = keyed with { Instruction = WithChown(keyed.Instruction, await NumericOwnerAsync(state, chown, cancellationToken).ConfigureAwait(false)) };
        }

        IRootfsMount? sourceMount = null;
        IDownloadedSources? downloaded = null;
        try
        {
            CopySource source = new CopySource.Context();
            if (!step.Sources.IsDefaultOrEmpty)
            {
                (source, sourceMount) = await OpenSourceAsync(step.Sources[0], resultOf, cancellationToken).ConfigureAwait(false);
            }
            else if (keyed.Instruction is AddInstruction gitAdd && gitAdd.Sources.Any(RemoteSource.IsGit))
            {
                return await GitCopyAsync(state, step, keyed, gitAdd, vertex, linked, cancellationToken).ConfigureAwait(false);
            }
            else if (keyed.Instruction is AddInstruction add && add.Sources.Any(RemoteSource.IsHttp))
            {
                // The downloads are the sources, so the key holds their content, not the URLs. BuildKit never
                // unpacks a URL's archive unless --unpack asks it to.
                downloaded = await files.DownloadAsync(add.Sources, add.Checksum, cancellationToken).ConfigureAwait(false);
                source = new CopySource.Root(downloaded.Root, "url");
                keyed = keyed with { Instruction = add with { Sources = downloaded.Sources, Unpack = add.Unpack ?? false, Checksum = null } };
            }

            var workingDir = string.IsNullOrEmpty(state.Config.Config.WorkingDir) ? "/" : state.Config.Config.WorkingDir;
            var operation = new CopyOperation(keyed.Instruction, source, workingDir);
            var digest = await files.DigestSourcesAsync(operation, cancellationToken).ConfigureAwait(false);
            var key = new StepKeyInput(keyed, state.Config, [], digest, session.Platform);
            return await LayerStepAsync(
                state,
                step,
                key,
                vertex,
                mount => files.CopyAsync(operation, mount.RootPath, cancellationToken),
                cancellationToken,
                linked).ConfigureAwait(false);
        }
        finally
        {
            if (sourceMount is not null)
            {
                await sourceMount.DisposeAsync().ConfigureAwait(false);
            }

            if (downloaded is not null)
            {
                await downloaded.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>ADD of a git repository (<see cref="Git.GitAddSource"/>): keyed by the commit, checked out only when the step runs.</summary>
    private async Task<StageResult> GitCopyAsync(StageResult state, BoundStep step, BoundStep keyed, AddInstruction add, ProgressVertex vertex, bool linked, CancellationToken cancellationToken)
    {
        var access = new Git.GitAccess(session.Request.SshAgents.GetValueOrDefault("default"), session.Request.Secrets);
        var git = await Git.GitAddSource.ResolveAsync(add, Port(session.Ports.Git), access, vertex.Log, cancellationToken).ConfigureAwait(false);
        keyed = keyed with { Instruction = git.Instruction };
        var workingDir = string.IsNullOrEmpty(state.Config.Config.WorkingDir) ? "/" : state.Config.Config.WorkingDir;
        var key = new StepKeyInput(keyed, state.Config, [], git.KeyDigest, session.Platform);
        return await LayerStepAsync(
            state,
            step,
            key,
            vertex,
            async mount =>
            {
                var checkout = await git.CheckoutAsync(cancellationToken).ConfigureAwait(false);
                await using (checkout.ConfigureAwait(false))
                {
                    var operation = new CopyOperation(keyed.Instruction, new CopySource.Root(checkout.Root, "git"), workingDir) { DirectoryItself = true };
                    await Port(session.Ports.Files).CopyAsync(operation, mount.RootPath, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken,
            linked).ConfigureAwait(false);
    }

    /// <summary>
    /// A linked copy's <c>--chown</c> names, looked up in the stage it is linked onto. BuildKit refuses them ("invalid
    /// user index: -1", its empty root has no /etc/passwd); the docker driver, which links nothing, takes them.
    /// </summary>
    private async Task<string> NumericOwnerAsync(StageResult state, string chown, CancellationToken cancellationToken)
    {
        var below = await Port(session.Ports.Snapshotter).MountAsync(state.Layers, writable: false, cancellationToken).ConfigureAwait(false);
        await using (below.ConfigureAwait(false))
        {
            return await Port(session.Ports.Files).NumericOwnerAsync(chown, below.RootPath, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Instruction WithChown(Instruction instruction, string chown) => instruction switch
    {
        CopyInstruction copy => copy with { Chown = chown },
        AddInstruction add => add with { Chown = chown },
        _ => throw new InvalidOperationException($"{instruction.Keyword} is not COPY or ADD"),
    };

    /// <summary>The shared shape of every layer step: key, lookup, and on a miss: mount, act, keep, remember.</summary>
    private async Task<StageResult> LayerStepAsync(
        StageResult state,
        BoundStep step,
        StepKeyInput keyInput,
        ProgressVertex vertex,
        Func<IRootfsMount, Task> action,
        CancellationToken cancellationToken,
        bool linked = false)
    {
        var cache = session.Ports.Cache;
        var key = cache?.StepKey(state.CacheKey, keyInput) ?? default;

        // A linked layer is made on scratch, so it is found by a key of its own on scratch's: the steps after it
        // still chain from the stage's key.
        var layerKey = linked && cache is not null ? cache.StepKey(cache.BaseKey(null, session.Platform), keyInput) : key;
        LayerRef layer;
        DateTimeOffset created;
        CachedStep? hit = null;
        if (cache is not null && !state.IgnoresCache)
        {
            hit = await cache.LookupAsync(layerKey, cancellationToken).ConfigureAwait(false);
        }

        if (hit is not null)
        {
            layer = hit.Layer;
            created = hit.Created;
            vertex.Cached();
        }
        else
        {
            var mount = await Port(session.Ports.Snapshotter).MountAsync(linked ? [] : state.Layers, writable: true, cancellationToken).ConfigureAwait(false);
            await using (mount.ConfigureAwait(false))
            {
                await action(mount).ConfigureAwait(false);
                layer = await Port(session.Ports.Differ).CommitAsync(mount, cancellationToken).ConfigureAwait(false);
            }

            created = session.Created;
            if (cache is not null)
            {
                await cache.StoreAsync(layerKey, new CachedStep(layer, created), cancellationToken).ConfigureAwait(false);
            }

            vertex.Complete();
        }

        var config = session.Configurator.Apply(state.Config, step, layer, created);
        return state with { Config = config, Layers = state.Layers.Add(layer), CacheKey = key };
    }

    private static T Port<T>(T? port)
        where T : class =>
        port ?? throw new InvalidOperationException($"{typeof(T).Name} is not wired in");
}
