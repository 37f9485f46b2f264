using System.Collections.Immutable;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Content.Images;

/// <summary>
/// Mark and sweep over the content store. The caller holds the store's exclusive lock, so no blob is being
/// written or named while the marks are taken. Roots whose media type is known (image names) must parse: a
/// damaged manifest aborts the prune rather than letting its layers be swept as unreferenced.
/// </summary>
internal sealed class GarbageCollector(ContentStore content)
{
    public async Task<PruneResult> CollectLockedAsync(IEnumerable<Descriptor> roots, IReadOnlyCollection<Digest> extraRoots, CancellationToken cancellationToken)
    {
        var marked = new HashSet<Digest>();
        var pending = new Stack<(Digest Digest, string? MediaType)>();
        foreach (var root in roots)
        {
            pending.Push((root.Digest, root.MediaType));
        }

        foreach (var root in extraRoots)
        {
            pending.Push((root, null));
        }

        while (pending.Count > 0)
        {
            var (digest, mediaType) = pending.Pop();
            if (!marked.Add(digest) || !content.Exists(digest))
            {
                continue;
            }

            foreach (var child in await ChildrenAsync(digest, mediaType, cancellationToken).ConfigureAwait(false))
            {
                pending.Push((child.Digest, child.MediaType));
            }
        }

        var removed = ImmutableArray.CreateBuilder<BlobInfo>();
        await foreach (var blob in content.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!marked.Contains(blob.Digest) && content.DeleteLocked(blob.Digest))
            {
                removed.Add(blob);
            }
        }

        ImageCompressor.ForgetSwept(content);
        var (files, bytes) = content.CleanIngest(all: true);
        return new PruneResult(removed.ToImmutable(), files, bytes);
    }

    private async Task<IEnumerable<Descriptor>> ChildrenAsync(Digest digest, string? mediaType, CancellationToken cancellationToken)
    {
        var known = MediaTypes.IsIndex(mediaType) || MediaTypes.IsManifest(mediaType);
        if (!known && (MediaTypes.IsLayer(mediaType) || content.Info(digest)?.Size > ImageStore.MaxDocumentSize))
        {
            return [];
        }

        byte[] bytes;
        try
        {
            bytes = await content.ReadAllBytesLockedAsync(digest, ImageStore.MaxDocumentSize, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobCorruptException) when (!known)
        {
            return [];
        }

        if (!known)
        {
            // A root or child of unknown type (a cache pin, an artifact) is walked only if it is a manifest or index.
            if (bytes.Length == 0 || bytes.AsSpan().TrimStart(" \t\r\n"u8) is not [(byte)'{', ..])
            {
                return [];
            }

            try
            {
                mediaType = OciDocuments.DetectManifestMediaType(bytes);
            }
            catch (OciFormatException)
            {
                return [];
            }
        }

        try
        {
            if (MediaTypes.IsIndex(mediaType))
            {
                return OciDocuments.ParseIndex(bytes).Value.Manifests;
            }

            if (MediaTypes.IsManifest(mediaType))
            {
                var manifest = OciDocuments.ParseManifest(bytes).Value;
                return [manifest.Config, .. manifest.Layers];
            }
        }
        catch (OciFormatException) when (!known)
        {
            return [];
        }
        catch (OciFormatException e)
        {
            throw new ImageStoreException($"prune stopped, nothing was removed: {digest} ({mediaType}) cannot be read: {e.Message}", e);
        }

        return [];
    }
}
