using System.Collections.Concurrent;
using System.Collections.Immutable;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Registry.Transfer;

namespace Kiln.Registry.Local;

/// <summary>
/// <c>kiln push</c> as a library call: pushes a local image to a registry. An image pulled from an index is pushed as
/// that index (same digest) when the store holds every image it lists, else as its one manifest. Blobs that other
/// local names on the same registry came with are offered for a cross-repository mount first, so a copy between
/// repositories of one registry transfers no layer bytes.
/// </summary>
public sealed class StorePusher(ImageStore images, RegistryClient client)
{
    /// <summary>Mount attempts cost a round trip per blob each: only the repositories sharing the most blobs are tried.</summary>
    private const int MaxMountSources = 3;

    private const int MaxIndexDepth = 4;

    /// <summary>Pushes the local image <paramref name="source"/> (a name, id or digest) to <paramref name="destination"/>.</summary>
    public async Task<StorePushResult> PushAsync(string source, ImageReference destination, IProgress<BlobProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (!string.Equals(RegistryEndpoint.NormalizeName(destination.Registry), client.Endpoint.Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{destination} is not on registry {client.Endpoint.Name}", nameof(destination));
        }

        var content = images.Content;
        using var lease = await content.LeaseAsync(cancellationToken).ConfigureAwait(false);
        var resolved = await images.ResolveAsync(source, cancellationToken).ConfigureAwait(false);

        var root = resolved.Manifest;
        Descriptor? incompleteIndex = null;
        if (resolved.Index is { } index)
        {
            if (await IsCompleteAsync(content, index, 0, cancellationToken).ConfigureAwait(false))
            {
                root = index;
            }
            else
            {
                incompleteIndex = index;
            }
        }

        // Plain tar layers (the ones Kiln wrote) leave compressed, as docker pushes them.
        root = await ImageCompressor.CompressLayersAsync(content, root, cancellationToken).ConfigureAwait(false);
        var blobs = new HashSet<Digest>();
        var layers = ImmutableArray.CreateBuilder<Descriptor>();
        await CollectAsync(content, root, blobs, layers, 0, cancellationToken).ConfigureAwait(false);

        var tag = destination.Tag;
        if (destination.Digest is { } wanted && wanted != root.Digest)
        {
            throw new RegistryException($"cannot push {source} as {destination}: the image's digest is {root.Digest}");
        }

        var mountFrom = await MountSourcesAsync(destination, blobs, cancellationToken).ConfigureAwait(false);
        var uploaded = new ConcurrentDictionary<Digest, bool>();
        var tracking = new TrackingProgress(progress, uploaded);
        PushResult pushed;
        try
        {
            pushed = await new ImagePusher(client).PushAsync(
                new ContentStoreBlobSource(content, tracking), root, destination.Repository, tag, mountFrom, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobSourceException e)
        {
            // HttpClient lets an exception of the request body escape unwrapped when it fails before the headers go out.
            throw new RegistryException($"pushing {source} to {destination}: {e.Message}", e);
        }

        return new StorePushResult(destination, root, layers.ToImmutable())
        {
            Uploaded = pushed.Uploaded,
            Mounted = pushed.Mounted,
            AlreadyPresent = pushed.AlreadyPresent,
            UploadedBlobs = [.. uploaded.Keys],
            MountFrom = mountFrom,
            IncompleteIndex = incompleteIndex,
        };
    }

    /// <summary>True when the store holds the index's every manifest and each one's config and layers.</summary>
    private static async Task<bool> IsCompleteAsync(ContentStore content, Descriptor descriptor, int depth, CancellationToken cancellationToken)
    {
        if (depth > MaxIndexDepth || content.Info(descriptor.Digest)?.Size != descriptor.Size)
        {
            return false;
        }

        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            var index = await ReadIndexAsync(content, descriptor, cancellationToken).ConfigureAwait(false);
            foreach (var child in index.Manifests)
            {
                if (!await IsCompleteAsync(content, child, depth + 1, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }

            return true;
        }

        if (!MediaTypes.IsManifest(descriptor.MediaType))
        {
            // Artifacts an index may list (attestations are manifests; anything else is not pushable here).
            return false;
        }

        var manifest = await ReadManifestAsync(content, descriptor, cancellationToken).ConfigureAwait(false);
        return manifest.Layers.Prepend(manifest.Config).All(d => content.Info(d.Digest)?.Size == d.Size);
    }

    private static async Task CollectAsync(
        ContentStore content, Descriptor descriptor, HashSet<Digest> blobs, ImmutableArray<Descriptor>.Builder layers, int depth, CancellationToken cancellationToken)
    {
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            if (depth > MaxIndexDepth)
            {
                throw new RegistryException($"index {descriptor.Digest} nests more than {MaxIndexDepth} deep");
            }

            foreach (var child in (await ReadIndexAsync(content, descriptor, cancellationToken).ConfigureAwait(false)).Manifests)
            {
                await CollectAsync(content, child, blobs, layers, depth + 1, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var manifest = await ReadManifestAsync(content, descriptor, cancellationToken).ConfigureAwait(false);
        blobs.Add(manifest.Config.Digest);
        foreach (var layer in manifest.Layers)
        {
            if (blobs.Add(layer.Digest))
            {
                layers.Add(layer);
            }
        }
    }

    /// <summary>
    /// Repositories of this registry that local names came from and that share blobs with the image, most shared
    /// first: the registry most likely holds those blobs there already.
    /// </summary>
    private async Task<ImmutableArray<string>> MountSourcesAsync(ImageReference destination, HashSet<Digest> blobs, CancellationToken cancellationToken)
    {
        var shared = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in await images.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.Name.Repository == destination.Repository
                || !string.Equals(RegistryEndpoint.NormalizeName(record.Name.Registry), client.Endpoint.Name, StringComparison.Ordinal))
            {
                continue;
            }

            ImageManifest manifest;
            try
            {
                manifest = await ReadManifestAsync(images.Content, record.Manifest, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is BlobNotFoundException or RegistryException or InvalidDataException)
            {
                // A damaged name elsewhere only costs a mount hint.
                continue;
            }

            var count = manifest.Layers.Prepend(manifest.Config).Count(d => blobs.Contains(d.Digest));
            if (count > 0)
            {
                shared[record.Name.Repository] = Math.Max(count, shared.GetValueOrDefault(record.Name.Repository));
            }
        }

        return [.. shared.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(MaxMountSources).Select(p => p.Key)];
    }

    private static async Task<ImageIndex> ReadIndexAsync(ContentStore content, Descriptor descriptor, CancellationToken cancellationToken)
    {
        var bytes = await content.ReadAllBytesAsync(descriptor.Digest, ImageStore.MaxDocumentSize, cancellationToken).ConfigureAwait(false);
        try
        {
            return OciDocuments.ParseIndex(bytes).Value;
        }
        catch (OciFormatException e)
        {
            throw new RegistryException($"index {descriptor.Digest} in the store is invalid: {e.Message}", e);
        }
    }

    private static async Task<ImageManifest> ReadManifestAsync(ContentStore content, Descriptor descriptor, CancellationToken cancellationToken)
    {
        var bytes = await content.ReadAllBytesAsync(descriptor.Digest, ImageStore.MaxDocumentSize, cancellationToken).ConfigureAwait(false);
        try
        {
            return OciDocuments.ParseManifest(bytes).Value;
        }
        catch (OciFormatException e)
        {
            throw new RegistryException($"manifest {descriptor.Digest} in the store is invalid: {e.Message}", e);
        }
    }

    /// <summary>Passes progress on, and notes which blobs were sent whole.</summary>
    private sealed class TrackingProgress(IProgress<BlobProgress>? inner, ConcurrentDictionary<Digest, bool> uploaded) : IProgress<BlobProgress>
    {
        public void Report(BlobProgress value)
        {
            if (value.State == BlobTransferState.Uploaded && !uploaded.TryAdd(value.Blob.Digest, true))
            {
                // A retried upload reads the blob again; it was reported the first time.
                return;
            }

            inner?.Report(value);
        }
    }
}
