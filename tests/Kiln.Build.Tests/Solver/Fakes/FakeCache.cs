using System.Collections.Concurrent;
using System.Text;
using Kiln.Build.Ports;
using Kiln.Oci;

namespace Kiln.Build.Tests.Solver.Fakes;

/// <summary>An in-memory cache; keys from the parent key, the instruction text, the env, workdir, user and source digest.</summary>
internal sealed class FakeCache : IBuildCache
{
    public ConcurrentDictionary<Digest, CachedStep> Entries { get; } = new();

    public ConcurrentQueue<Digest> Lookups { get; } = new();

    public Digest BaseKey(BaseImage? image, OciPlatform platform) =>
        Digest.Sha256Of(Encoding.UTF8.GetBytes($"base {image?.ManifestDigest} {platform}"));

    public Digest StepKey(Digest parentKey, StepKeyInput input)
    {
        var text = string.Join(
            '\n',
            parentKey.ToString(),
            input.Step.Instruction.Original,
            string.Join(',', input.Env),
            input.ConfigBefore.Config.WorkingDir ?? string.Empty,
            input.ConfigBefore.Config.User ?? string.Empty,
            input.SourceDigest?.ToString() ?? string.Empty);
        return Digest.Sha256Of(Encoding.UTF8.GetBytes(text));
    }

    public Task<CachedStep?> LookupAsync(Digest key, CancellationToken cancellationToken)
    {
        Lookups.Enqueue(key);
        return Task.FromResult(Entries.TryGetValue(key, out var entry) ? entry : null);
    }

    public Task StoreAsync(Digest key, CachedStep entry, CancellationToken cancellationToken)
    {
        Entries[key] = entry;
        return Task.CompletedTask;
    }

    public Task ExportedAsync(LayerRef layer, CancellationToken cancellationToken)
    {
        foreach (var (key, entry) in Entries)
        {
            if (entry.Layer.Snapshot == layer.Snapshot)
            {
                Entries[key] = entry with { Layer = layer };
            }
        }

        return Task.CompletedTask;
    }
}
