using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Registry.Transfer;

namespace Kiln.Registry.Local;

/// <summary>
/// <c>kiln pull</c> as a library call: fetches an image into the content store (blobs already there are not
/// downloaded again), keeps the index it was chosen from when the reference named one, and points the reference at
/// the manifest. One store lease covers everything from the first blob to the name, so a concurrent prune can
/// never sweep a pulled blob before it is referenced.
/// </summary>
public sealed class StorePuller(ImageStore images, RegistryClient client)
{
    public async Task<StorePullResult> PullAsync(ImageReference reference, OciPlatform? platform, IProgress<BlobProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(reference);
        var content = images.Content;
        var before = (await images.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Name.Equals(reference));

        using var lease = await content.LeaseAsync(cancellationToken).ConfigureAwait(false);
        var pulled = await new ImagePuller(client).PullAsync(reference, platform, new ContentStoreBlobSink(content, progress), cancellationToken).ConfigureAwait(false);
        var manifest = pulled.Manifest.Descriptor;
        Descriptor? index = null;
        if (pulled.Root.Descriptor.Digest != manifest.Digest)
        {
            // The index is what the name's repo digest refers to, so it is kept (docker does too); the other
            // platforms' manifests are not fetched, and prune walks only what is present.
            index = pulled.Root.Descriptor;
            await StoreSmallBlobAsync(content, pulled.Root, cancellationToken).ConfigureAwait(false);
        }

        var chosen = await ReadPlatformAsync(content, pulled.Config, cancellationToken).ConfigureAwait(false);
        if (index is null && platform is not null && !new PlatformMatcher(platform).Matches(chosen))
        {
            // Only an index lets the registry choose; a single image either fits or the pull is refused, as docker does.
            throw new RegistryException(
                $"image {reference} was found but does not match the specified platform: wanted {platform.Normalize()}, actual: {chosen}");
        }

        var record = await images.SetAsync(reference, manifest, index, cancellationToken).ConfigureAwait(false);
        var upToDate = before is not null && before.Manifest.Digest == record.Manifest.Digest && before.RepoDigest == record.RepoDigest;
        return new StorePullResult(record, chosen) { Downloaded = pulled.Downloaded, UpToDate = upToDate };
    }

    private static async Task StoreSmallBlobAsync(ContentStore content, RegistryManifest document, CancellationToken cancellationToken)
    {
        var descriptor = document.Descriptor;
        if (content.Info(descriptor.Digest)?.Size == descriptor.Size)
        {
            return;
        }

        var writer = await content.OpenWriterAsync(descriptor.Digest.Algorithm, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteAsync(document.Content, cancellationToken).ConfigureAwait(false);
            await writer.CommitAsync(descriptor.Digest, descriptor.Size, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<OciPlatform> ReadPlatformAsync(ContentStore content, Descriptor config, CancellationToken cancellationToken)
    {
        var bytes = await content.ReadAllBytesAsync(config.Digest, ImageStore.MaxDocumentSize, cancellationToken).ConfigureAwait(false);
        try
        {
            return OciDocuments.ParseConfig(bytes).Value.Platform.Normalize();
        }
        catch (OciFormatException e)
        {
            throw new RegistryException($"the image config {config.Digest} is invalid: {e.Message}", e);
        }
    }
}
