using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Kiln.Oci;

namespace Kiln.Registry;

public sealed partial class RegistryClient
{
    /// <summary>Manifests larger than this are refused, as containerd does: a manifest is metadata, never bulk data.</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    private static readonly ImmutableArray<string> ManifestAccept =
        [MediaTypes.OciIndex, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.DockerManifest];

    /// <summary>
    /// GET a manifest or index by tag or digest. The bytes are verified against the digest asked for, else against
    /// <c>Docker-Content-Digest</c> when the registry sends it.
    /// </summary>
    public async Task<RegistryManifest> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        RegistryNames.ValidateRepository(repository);
        var byDigest = RegistryNames.ValidateReference(reference, out var expected);
        var request = new RegistryRequest(HttpMethod.Get, await UriAsync($"/v2/{repository}/manifests/{reference}", cancellationToken).ConfigureAwait(false), PullScope(repository))
        {
            Accept = ManifestAccept,
            Idempotent = true,
            Stream = true,
        };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"manifest {repository}:{reference}", cancellationToken).ConfigureAwait(false);
        var content = await RegistryResponses.ReadLimitedAsync(response.Content, MaxManifestBytes, $"manifest {repository}:{reference}", cancellationToken).ConfigureAwait(false);

        if (!byDigest && response.Headers.TryGetValues("Docker-Content-Digest", out var values))
        {
            var header = values.FirstOrDefault();
            if (!Digest.TryParse(header, out expected))
            {
                throw new RegistryException($"registry {Endpoint.Name} sent an invalid Docker-Content-Digest \"{header}\" for {repository}:{reference}");
            }
        }

        var actual = DigestOf(content.Span, expected.IsEmpty ? "sha256" : expected.Algorithm);
        if (!expected.IsEmpty && actual != expected)
        {
            throw new RegistryException($"manifest {repository}:{reference} from {Endpoint.Name} has digest {actual}, expected {expected}");
        }

        var mediaType = MediaTypeOf(response.Content.Headers.ContentType, content.Span);
        if (mediaType is null || !(MediaTypes.IsIndex(mediaType) || MediaTypes.IsManifest(mediaType)))
        {
            throw new RegistryException($"manifest {repository}:{reference} from {Endpoint.Name} has unsupported media type \"{mediaType}\" (Docker schema 1 and unknown types are not supported)");
        }

        return new RegistryManifest(new Descriptor(mediaType, actual, content.Length), content);
    }

    /// <summary>GET a manifest a descriptor points at, checking its size as well as its digest.</summary>
    public async Task<RegistryManifest> GetManifestAsync(string repository, Descriptor descriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.Size > MaxManifestBytes)
        {
            throw new RegistryException($"manifest {descriptor.Digest} claims {descriptor.Size} bytes, more than the {MaxManifestBytes} byte limit");
        }

        var manifest = await GetManifestAsync(repository, descriptor.Digest.ToString(), cancellationToken).ConfigureAwait(false);
        if (manifest.Content.Length != descriptor.Size)
        {
            throw new RegistryException($"manifest {descriptor.Digest} from {Endpoint.Name} is {manifest.Content.Length} bytes, its descriptor says {descriptor.Size}");
        }

        return manifest with { Descriptor = manifest.Descriptor with { MediaType = descriptor.MediaType } };
    }

    /// <summary>HEAD a manifest: its descriptor when it exists, null when the registry says 404.</summary>
    public async Task<Descriptor?> HeadManifestAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        RegistryNames.ValidateRepository(repository);
        var byDigest = RegistryNames.ValidateReference(reference, out var digest);
        var request = new RegistryRequest(HttpMethod.Head, await UriAsync($"/v2/{repository}/manifests/{reference}", cancellationToken).ConfigureAwait(false), PullScope(repository))
        {
            Accept = ManifestAccept,
            Idempotent = true,
        };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"manifest {repository}:{reference}", cancellationToken).ConfigureAwait(false);
        if (!byDigest)
        {
            var header = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
            if (!Digest.TryParse(header, out digest))
            {
                throw new RegistryException($"registry {Endpoint.Name} answered HEAD {repository}:{reference} without a valid Docker-Content-Digest");
            }
        }

        var size = response.Content.Headers.ContentLength ?? -1;
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        return new Descriptor(mediaType, digest, size);
    }

    /// <summary>PUT a manifest under a tag or its digest; returns the digest the registry stored it under, checked against ours.</summary>
    public async Task<Digest> PutManifestAsync(string repository, string reference, string mediaType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        RegistryNames.ValidateRepository(repository);
        var byDigest = RegistryNames.ValidateReference(reference, out var expected);
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        var actual = DigestOf(content.Span, byDigest ? expected.Algorithm : "sha256");
        if (byDigest && actual != expected)
        {
            throw new ArgumentException($"the manifest bytes have digest {actual}, not {expected}", nameof(content));
        }

        var request = new RegistryRequest(HttpMethod.Put, await UriAsync($"/v2/{repository}/manifests/{reference}", cancellationToken).ConfigureAwait(false), PushScope(repository))
        {
            // Putting the same bytes twice stores the same thing: safe to retry.
            Idempotent = true,
            Content = () =>
            {
                var body = new ReadOnlyMemoryContent(content);
                body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return body;
            },
        };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"pushing manifest {repository}:{reference}", cancellationToken).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values)
            && Digest.TryParse(values.FirstOrDefault(), out var stored) && stored.Algorithm == actual.Algorithm && stored != actual)
        {
            throw new RegistryException($"registry {Endpoint.Name} stored manifest {repository}:{reference} as {stored}, but its bytes have digest {actual}");
        }

        return actual;
    }

    internal static Digest DigestOf(ReadOnlySpan<byte> content, string algorithm) => algorithm switch
    {
        "sha512" => Digest.Parse("sha512:" + Convert.ToHexStringLower(SHA512.HashData(content))),
        _ => Digest.Sha256Of(content),
    };

    /// <summary>Content-Type when it names a manifest type; otherwise what the body says or its shape implies.</summary>
    private static string? MediaTypeOf(MediaTypeHeaderValue? contentType, ReadOnlySpan<byte> content)
    {
        var header = contentType?.MediaType;
        if (MediaTypes.IsIndex(header) || MediaTypes.IsManifest(header))
        {
            return header;
        }

        try
        {
            return OciDocuments.DetectManifestMediaType(content);
        }
        catch (OciFormatException e)
        {
            throw new RegistryException($"the manifest is not a manifest or index: {e.Message}", e);
        }
    }
}
