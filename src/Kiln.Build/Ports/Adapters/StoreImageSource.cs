using System.Collections.Immutable;
using Kiln.Content.Images;
using Kiln.Oci;
using Kiln.Registry;
using Kiln.Registry.Local;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// Base images from the local image store; a name the store does not have (or every name, with <c>--pull</c>) is
/// pulled into it first through <see cref="StorePuller"/>, as docker does.
/// </summary>
/// <param name="registries">Makes the registry client for a pull; null: pulling is not available (an offline store).</param>
public sealed class StoreImageSource(ImageStore store, Func<ImageReference, RegistryClient>? registries = null) : IImageSource
{
    public async Task<BaseImage> ResolveAsync(string reference, OciPlatform platform, bool alwaysPull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ResolvedImage? resolved = null;
        if (!alwaysPull)
        {
            try
            {
                resolved = await store.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
            }
            catch (ImageNotFoundException) when (registries is not null)
            {
                // Not local: pull it below.
            }
            catch (ImageNotFoundException e)
            {
                throw new NotSupportedException($"{e.Message}, and pulling is not available here (kiln load or kiln import it first)", e);
            }
        }

        if (resolved is null)
        {
            resolved = await PullAsync(reference, platform, cancellationToken).ConfigureAwait(false);
        }

        var image = await store.LoadAsync(resolved, cancellationToken).ConfigureAwait(false);
        var config = image.Config.Value;
        var manifestLayers = image.Manifest.Value.Layers;
        var diffIds = config.RootFs.DiffIds;
        if (manifestLayers.Length != diffIds.Length)
        {
            throw new OciFormatException($"{reference}: the manifest lists {manifestLayers.Length} layers but the config {diffIds.Length} diff_ids");
        }

        if (config.Os != platform.Os || config.Architecture != platform.Architecture)
        {
            throw new NotSupportedException($"{reference} is for {config.Os}/{config.Architecture}; building on {platform.Os}/{platform.Architecture} from it is not supported yet");
        }

        var layers = manifestLayers.Zip(diffIds, (blob, diffId) => LayerRef.Stored(blob, diffId)).ToImmutableArray();
        var name = resolved.ByName?.Name.ToString() ?? reference;
        return new BaseImage(name, resolved.Manifest.Digest, config, layers);
    }

    private async Task<ResolvedImage> PullAsync(string text, OciPlatform platform, CancellationToken cancellationToken)
    {
        if (registries is null)
        {
            throw new NotSupportedException($"--pull: pulling {text} is not available here");
        }

        if (!ImageReference.TryParse(text, out var reference, out var problem))
        {
            throw new ArgumentException($"invalid image reference {text}: {problem}");
        }

        using var client = registries(reference);
        var pulled = await new StorePuller(store, client).PullAsync(reference, platform, null, cancellationToken).ConfigureAwait(false);
        return await store.ResolveAsync(pulled.Image.Name.ToString(), cancellationToken).ConfigureAwait(false);
    }
}
