using System.Collections.Concurrent;
using Kiln.Build.Cache;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// The solver's cache over <see cref="CacheKeys"/> (typed, versioned keys per step kind) and the on-disk
/// <see cref="CacheStore"/>. Every RUN, COPY, ADD and WORKDIR step makes a layer (an empty one when it changed
/// nothing), so every entry points at a layer: a snapshot, a blob, or both. An entry whose layer has neither a blob
/// nor a usable snapshot (pruned, or from before a crash) is a miss.
/// </summary>
public sealed class StoreBuildCache(CacheStore store, SnapshotStore snapshots) : IBuildCache
{
    /// <summary>The entries this build looked up or stored, by the snapshot of their layer: an export completes them.</summary>
    private readonly ConcurrentDictionary<Digest, CacheEntry> _bySnapshot = new();

    private static readonly System.Collections.Immutable.ImmutableArray<string> DefaultShell = ["/bin/sh", "-c"];

    public Digest BaseKey(BaseImage? image, OciPlatform platform) => CacheKeys.ForBase(image?.ManifestDigest, platform).Value;

    public Digest StepKey(Digest parentKey, StepKeyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var parent = new CacheKey(parentKey);
        var container = input.ConfigBefore.Config;
        var workingDir = string.IsNullOrEmpty(container.WorkingDir) ? "/" : container.WorkingDir;
        var user = container.User ?? string.Empty;
        switch (input.Step.Instruction)
        {
            case RunInstruction run:
                var shell = container.Shell is { IsDefaultOrEmpty: false } custom ? custom : DefaultShell;
                var runInput = new RunKeyInput(input.Args, shell, run.Command.PrependShell, input.Env, user, workingDir, input.Network, input.Platform)
                {
                    Heredocs = [.. (run.Heredocs.IsDefault ? [] : run.Heredocs).Select(h => (h.Name, h.Content))],
                    Files = [.. (input.Files.IsDefault ? [] : input.Files).Select(f => (f.Path, f.Mode, Digest.Sha256Of(f.Content.AsSpan())))],
                    Mounts = [.. (input.Mounts.IsDefault ? [] : input.Mounts).Select(m => m.KeyText)],
                    Insecure = run.Security == RunSecurity.Insecure,
                    ExtraHosts = [.. (input.ExtraHosts.IsDefault ? [] : input.ExtraHosts).Select(h => h.ToString())],
                    Limits = [.. (input.ShmSize is { } shm ? [$"shm={shm}"] : Array.Empty<string>()), .. (input.Ulimits.IsDefault ? [] : input.Ulimits).Select(u => u.ToString())],
                };
                return CacheKeys.ForRun(parent, runInput).Value;

            case CopyInstruction copy:
                return CacheKeys.ForCopy(parent, new CopyKeyInput("COPY", Sources(input), copy.Destination, workingDir)
                {
                    Chown = copy.Chown,
                    Chmod = copy.ChmodText,
                    Link = copy.Link,
                    Parents = copy.Parents,
                    Excludes = copy.Excludes.IsDefault ? [] : copy.Excludes,
                }).Value;

            case AddInstruction add:
                return CacheKeys.ForCopy(parent, new CopyKeyInput("ADD", Sources(input), add.Destination, workingDir)
                {
                    Chown = add.Chown,
                    Chmod = add.ChmodText,
                    Link = add.Link,
                    Excludes = add.Excludes.IsDefault ? [] : add.Excludes,
                    Unpack = add.Unpack,
                }).Value;

            case WorkdirInstruction:
                var directory = input.Directory ?? throw new ArgumentException("a WORKDIR key needs the resolved directory", nameof(input));
                return CacheKeys.ForWorkdir(parent, directory, user).Value;

            default:
                throw new ArgumentException($"{input.Step.Instruction.Keyword.ToUpperInvariant()} has no cache key", nameof(input));
        }
    }

    public async Task<CachedStep?> LookupAsync(Digest key, CancellationToken cancellationToken)
    {
        var entry = await store.TryGetAsync(new CacheKey(key), cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        LayerRef layer;
        if (entry is { Layer: { } blob, DiffId: { } diffId })
        {
            layer = LayerRef.Stored(blob, diffId, entry.Snapshot);
        }
        else if (snapshots.IsUsable(entry.Snapshot!.Value))
        {
            layer = LayerRef.SnapshotOnly(entry.Snapshot.Value, entry.Size);
        }
        else
        {
            return null;
        }

        _bySnapshot[layer.Snapshot] = entry;
        return new CachedStep(layer, entry.Created.Value);
    }

    public Task StoreAsync(Digest key, CachedStep entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var layer = entry.Layer;
        var stored = new CacheEntry(new CacheKey(key), layer.Blob, layer.DiffId, new OciTimestamp(entry.Created)) { Snapshot = layer.Snapshot, Size = layer.Size };
        _bySnapshot[layer.Snapshot] = stored;
        return store.PutAsync(stored, cancellationToken);
    }

    public async Task ExportedAsync(LayerRef layer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.IsStored && _bySnapshot.TryGetValue(layer.Snapshot, out var entry) && entry.Layer is null)
        {
            var exported = entry with { Layer = layer.Blob, DiffId = layer.DiffId, Size = layer.Size };
            _bySnapshot[layer.Snapshot] = exported;
            await store.PutAsync(exported, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Digest Sources(StepKeyInput input) =>
        input.SourceDigest ?? throw new ArgumentException("a COPY/ADD key needs the sources' digest", nameof(input));
}
