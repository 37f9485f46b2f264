using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>
/// Cache keys (a canonical, versioned encoding) and the cache store. Metadata steps have no key: they only change
/// the config, which is rebuilt from the instructions on every build.
/// </summary>
public interface IBuildCache
{
    /// <summary>The key of a stage's starting point: the base image's manifest digest, or scratch.</summary>
    Digest BaseKey(BaseImage? image, OciPlatform platform);

    Digest StepKey(Digest parentKey, StepKeyInput input);

    /// <summary>Null on a miss; an entry whose layer is gone is a miss, never an error.</summary>
    Task<CachedStep?> LookupAsync(Digest key, CancellationToken cancellationToken);

    Task StoreAsync(Digest key, CachedStep entry, CancellationToken cancellationToken);

    /// <summary>
    /// A layer that was only a snapshot when this build stored or found it is now a blob too (an image containing it
    /// was exported): its entry records the blob, so that later builds find it exported and prune keeps it.
    /// </summary>
    Task ExportedAsync(LayerRef layer, CancellationToken cancellationToken);
}
