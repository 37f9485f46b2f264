using Kiln.Build.Cache;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// The solver's cache over <see cref="CacheKeys"/> (typed, versioned keys per step kind) and the on-disk
/// <see cref="CacheStore"/>. Every RUN, COPY, ADD and WORKDIR step makes a layer (an empty one when it changed
/// nothing), so every entry points at a layer blob and a missing blob is a miss.
/// </summary>
public sealed class StoreBuildCache(CacheStore store) : IBuildCache
{
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
        return entry is null ? null : new CachedStep(new LayerRef(entry.Layer, entry.DiffId), entry.Created.Value);
    }

    public Task StoreAsync(Digest key, CachedStep entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return store.PutAsync(new CacheKey(key), entry.Layer.Blob, entry.Layer.DiffId, new OciTimestamp(entry.Created), null, cancellationToken);
    }

    private static Digest Sources(StepKeyInput input) =>
        input.SourceDigest ?? throw new ArgumentException("a COPY/ADD key needs the sources' digest", nameof(input));
}
