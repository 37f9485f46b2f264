using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Registry.Transfer;

/// <summary>
/// Pulls one image: reference -> index -> platform -> manifest -> config and layers, each verified by size and
/// digest, layers in parallel (bounded by <see cref="RegistryOptions.MaxParallelBlobs"/>). The manifest goes into the
/// sink last, so a sink never holds a manifest whose blobs are missing.
/// </summary>
public sealed class ImagePuller(RegistryClient client)
{
    private const int MaxIndexDepth = 4;

    /// <summary>Pulls <paramref name="reference"/>, which must name this client's registry; a reference without tag or digest means <c>latest</c>.</summary>
    public Task<PullResult> PullAsync(ImageReference reference, OciPlatform? platform, IBlobSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!string.Equals(RegistryEndpoint.NormalizeName(reference.Registry), client.Endpoint.Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{reference} is not on registry {client.Endpoint.Name}", nameof(reference));
        }

        return PullAsync(reference.Repository, reference.TagOrDigest ?? ImageReference.DefaultTag, platform, sink, cancellationToken);
    }

    public async Task<PullResult> PullAsync(string repository, string reference, OciPlatform? platform, IBlobSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var wanted = platform ?? OciPlatform.Host;
        var root = await client.GetManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        var manifest = root;
        for (var depth = 0; MediaTypes.IsIndex(manifest.Descriptor.MediaType); depth++)
        {
            if (depth == MaxIndexDepth)
            {
                throw new RegistryException($"{repository}:{reference} nests indexes more than {MaxIndexDepth} deep");
            }

            var links = ManifestLinks.Parse(manifest);
            var entries = links.Manifests;
            var chosen = new PlatformMatcher(wanted).SelectManifest(links.Index!)
                ?? throw new RegistryException(
                    $"{client.Endpoint.Name}/{repository}:{reference} has no image for {wanted}; it has: {string.Join(", ", entries.Where(e => e.Platform is not null).Select(e => e.Platform!.ToString()).Distinct())}");
            manifest = await client.GetManifestAsync(repository, chosen, cancellationToken).ConfigureAwait(false);
        }

        var image = ManifestLinks.Parse(manifest);
        var config = image.Config!;
        var blobs = image.Layers.Prepend(config).DistinctBy(d => d.Digest).ToList();
        var downloaded = 0;
        await Parallel.ForEachAsync(
            blobs,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, client.Options.MaxParallelBlobs), CancellationToken = cancellationToken },
            async (blob, token) =>
            {
                if (await sink.ContainsAsync(blob, token).ConfigureAwait(false))
                {
                    return;
                }

                var writer = await sink.BeginWriteAsync(blob, token).ConfigureAwait(false);
                await using (writer.ConfigureAwait(false))
                {
                    await client.GetBlobAsync(repository, blob, writer.Stream, token).ConfigureAwait(false);
                    await writer.CommitAsync(token).ConfigureAwait(false);
                }

                Interlocked.Increment(ref downloaded);
            }).ConfigureAwait(false);

        await WriteManifestAsync(sink, manifest, cancellationToken).ConfigureAwait(false);
        return new PullResult(root, manifest, config, image.Layers) { Downloaded = downloaded };
    }

    private static async Task WriteManifestAsync(IBlobSink sink, RegistryManifest manifest, CancellationToken cancellationToken)
    {
        if (await sink.ContainsAsync(manifest.Descriptor, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var writer = await sink.BeginWriteAsync(manifest.Descriptor, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await writer.Stream.WriteAsync(manifest.Content, cancellationToken).ConfigureAwait(false);
            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
