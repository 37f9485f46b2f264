using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Registry.Transfer;

/// <summary>
/// Pushes an image or index from an <see cref="IBlobSource"/>: for each blob, exists? -> mount? -> upload; then
/// each manifest, and the index last, so the registry never serves a tag whose content is incomplete.
/// </summary>
public sealed class ImagePusher(RegistryClient client)
{
    /// <summary>
    /// Pushes <paramref name="root"/> (a manifest or index readable from <paramref name="source"/>) under
    /// <paramref name="tag"/>, or by digest when the tag is null. <paramref name="mountFrom"/> names repositories on the
    /// same registry that may already hold the blobs.
    /// </summary>
    public async Task<PushResult> PushAsync(
        IBlobSource source, Descriptor root, string repository, string? tag, ImmutableArray<string> mountFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(root);
        var counts = new Counts();
        await PushManifestAsync(source, root, repository, tag, mountFrom.IsDefault ? [] : mountFrom, counts, 0, cancellationToken).ConfigureAwait(false);
        return new PushResult(root.Digest) { Uploaded = counts.Uploaded, Mounted = counts.Mounted, AlreadyPresent = counts.Present };
    }

    private async Task PushManifestAsync(
        IBlobSource source, Descriptor descriptor, string repository, string? tag, ImmutableArray<string> mountFrom, Counts counts, int depth, CancellationToken cancellationToken)
    {
        if (depth > 4)
        {
            throw new RegistryException($"index {descriptor.Digest} nests more than 4 deep");
        }

        var manifest = await ReadManifestAsync(source, descriptor, cancellationToken).ConfigureAwait(false);
        var links = ManifestLinks.Parse(manifest);
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            foreach (var child in links.Manifests)
            {
                await PushManifestAsync(source, child, repository, null, mountFrom, counts, depth + 1, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            var blobs = links.Layers.Prepend(links.Config!).DistinctBy(d => d.Digest).ToList();
            await Parallel.ForEachAsync(
                blobs,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, client.Options.MaxParallelBlobs), CancellationToken = cancellationToken },
                async (blob, token) => await PushBlobAsync(source, blob, repository, mountFrom, counts, token).ConfigureAwait(false)).ConfigureAwait(false);
        }

        await client.PutManifestAsync(repository, tag ?? descriptor.Digest.ToString(), descriptor.MediaType, manifest.Content, cancellationToken).ConfigureAwait(false);
    }

    private async Task PushBlobAsync(IBlobSource source, Descriptor blob, string repository, ImmutableArray<string> mountFrom, Counts counts, CancellationToken cancellationToken)
    {
        if (await client.HeadBlobAsync(repository, blob.Digest, cancellationToken).ConfigureAwait(false) is not null)
        {
            Interlocked.Increment(ref counts.Present);
            return;
        }

        foreach (var from in mountFrom.Where(f => f != repository))
        {
            if (await client.MountBlobAsync(repository, blob.Digest, from, cancellationToken).ConfigureAwait(false))
            {
                Interlocked.Increment(ref counts.Mounted);
                return;
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            var stream = await source.OpenReadAsync(blob, cancellationToken).ConfigureAwait(false);
            try
            {
                await using (stream.ConfigureAwait(false))
                {
                    await client.UploadBlobAsync(repository, blob, stream, cancellationToken).ConfigureAwait(false);
                }

                Interlocked.Increment(ref counts.Uploaded);
                return;
            }
            catch (RegistryException) when (attempt < client.Options.MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                // An upload body cannot be replayed by the client, so the whole blob is retried here; the failed try
                // may still have completed on the registry's side.
                if (await client.HeadBlobAsync(repository, blob.Digest, cancellationToken).ConfigureAwait(false) is not null)
                {
                    Interlocked.Increment(ref counts.Uploaded);
                    return;
                }

                await Task.Delay(client.Options.InitialBackoff * attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<RegistryManifest> ReadManifestAsync(IBlobSource source, Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (!MediaTypes.IsIndex(descriptor.MediaType) && !MediaTypes.IsManifest(descriptor.MediaType))
        {
            throw new RegistryException($"{descriptor.Digest} has media type \"{descriptor.MediaType}\", not a manifest or index");
        }

        if (descriptor.Size > RegistryClient.MaxManifestBytes)
        {
            throw new RegistryException($"manifest {descriptor.Digest} claims {descriptor.Size} bytes, more than the {RegistryClient.MaxManifestBytes} byte limit");
        }

        var bytes = new byte[descriptor.Size];
        var stream = await source.OpenReadAsync(descriptor, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException e)
            {
                throw new RegistryException($"manifest {descriptor.Digest} in the source is shorter than its {descriptor.Size} bytes", e);
            }
        }

        var actual = RegistryClient.DigestOf(bytes, descriptor.Digest.Algorithm);
        if (actual != descriptor.Digest)
        {
            throw new RegistryException($"manifest {descriptor.Digest} in the source has digest {actual}");
        }

        return new RegistryManifest(descriptor, bytes);
    }

    /// <summary>Per-push tallies, so one pusher can run several pushes at once.</summary>
    private sealed class Counts
    {
        public int Uploaded;
        public int Mounted;
        public int Present;
    }
}
