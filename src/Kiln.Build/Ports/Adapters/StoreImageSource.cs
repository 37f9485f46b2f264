using System.Collections.Immutable;
using Kiln.Content.Images;
using Kiln.Oci;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// Base images from the local image store. Pulling is not wired in yet (it lands with the distribution part's
/// store puller): a name the store does not have, or <c>--pull</c>, is a clear "not supported yet" error.
/// </summary>
public sealed class StoreImageSource(ImageStore store) : IImageSource
{
    public async Task<BaseImage> ResolveAsync(string reference, OciPlatform platform, bool alwaysPull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        if (alwaysPull)
        {
            throw new NotSupportedException($"--pull is not supported yet: pulling {reference} from a registry is not wired in");
        }

        ResolvedImage resolved;
        try
        {
            resolved = await store.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageNotFoundException e)
        {
            throw new NotSupportedException($"{e.Message}; pulling from a registry is not supported yet (kiln load or kiln import it first)", e);
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

        var layers = manifestLayers.Zip(diffIds, (blob, diffId) => new LayerRef(blob, diffId)).ToImmutableArray();
        var name = resolved.ByName?.Name.ToString() ?? reference;
        return new BaseImage(name, resolved.Manifest.Digest, config, layers);
    }
}
