using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Kiln.Oci;
using Kiln.Registry.Transport;

namespace Kiln.Registry;

public sealed partial class RegistryClient
{
    /// <summary>
    /// Asks the registry to link a blob from another repository it holds (distribution spec, "Mounting a blob from
    /// another repository"). True when mounted (201); false when the registry declined, lacked the blob, or did not
    /// grant pull access to the source; the caller then uploads.
    /// </summary>
    public async Task<bool> MountBlobAsync(string repository, Digest digest, string fromRepository, CancellationToken cancellationToken)
    {
        RegistryNames.ValidateRepository(repository);
        RegistryNames.ValidateRepository(fromRepository);
        var uri = await UriAsync($"/v2/{repository}/blobs/uploads/?mount={digest}&from={fromRepository}", cancellationToken).ConfigureAwait(false);
        var request = new RegistryRequest(HttpMethod.Post, uri, [.. PushScope(repository), .. PullScope(fromRepository)])
        {
            Idempotent = true,
        };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            // The registry opened an ordinary upload instead; this client starts its own, so close this one.
            if (ResolveLocation(response, uri) is { } session)
            {
                var cancel = new RegistryRequest(HttpMethod.Delete, session, PushScope(repository));
                using var deleted = await SendAsync(cancel, cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, $"mounting {digest} from {fromRepository} into {repository}", cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Uploads a blob (distribution spec, "Pushing blobs"): POST opens a session, then either one streamed
    /// <c>PUT ?digest=</c>, or <c>PATCH</c> chunks with <c>Content-Range</c> of at least the registry's
    /// <c>OCI-Chunk-Min-Length</c> and a closing PUT. <paramref name="content"/> must yield exactly the descriptor's
    /// bytes; the registry checks the digest.
    /// </summary>
    public async Task UploadBlobAsync(string repository, Descriptor descriptor, Stream content, CancellationToken cancellationToken)
    {
        RegistryNames.ValidateRepository(repository);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(content);
        var what = $"uploading blob {descriptor.Digest} to {repository}";
        var start = await UriAsync($"/v2/{repository}/blobs/uploads/", cancellationToken).ConfigureAwait(false);
        Uri location;
        int minimumChunk;
        using (var opened = await SendAsync(new RegistryRequest(HttpMethod.Post, start, PushScope(repository)) { Idempotent = true }, cancellationToken).ConfigureAwait(false))
        {
            if (opened.StatusCode != HttpStatusCode.Accepted)
            {
                await EnsureSuccessAsync(opened, what, cancellationToken).ConfigureAwait(false);
                throw new RegistryException($"{what} at {Endpoint.Name}: expected 202 Accepted to open an upload, got {(int)opened.StatusCode}");
            }

            location = ResolveLocation(opened, start) ?? throw new RegistryException($"{what} at {Endpoint.Name}: the registry opened an upload without a Location");
            minimumChunk = opened.Headers.TryGetValues("OCI-Chunk-Min-Length", out var values)
                && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var min) ? min : 0;
        }

        if (Options.UploadChunkSize is { } chunkSize)
        {
            location = await UploadChunksAsync(repository, descriptor, content, location, Math.Max(chunkSize, minimumChunk), what, cancellationToken).ConfigureAwait(false);
            await CloseUploadAsync(repository, descriptor, location, () => new ByteArrayContent([]), what, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await CloseUploadAsync(repository, descriptor, location, () => new BlobContent(content, descriptor.Size), what, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Uri> UploadChunksAsync(string repository, Descriptor descriptor, Stream content, Uri location, int chunkSize, string what, CancellationToken cancellationToken)
    {
        if (chunkSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), "the chunk size must be positive");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(chunkSize, Math.Max(descriptor.Size, 1)));
        try
        {
            long offset = 0;
            while (offset < descriptor.Size)
            {
                var want = (int)Math.Min(buffer.Length, descriptor.Size - offset);
                await content.ReadExactlyAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                var first = offset;
                var chunk = buffer.AsMemory(0, want);
                var request = new RegistryRequest(HttpMethod.Patch, location, PushScope(repository))
                {
                    Content = () =>
                    {
                        var body = new ReadOnlyMemoryContent(chunk);
                        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

                        // Content-Range here is the distribution spec's "start-end" form, not RFC 9110's "bytes start-end/size".
                        body.Headers.TryAddWithoutValidation("Content-Range", $"{first}-{first + want - 1}");
                        return body;
                    },
                };
                using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
                    throw new RegistryException($"{what} at {Endpoint.Name}: expected 202 Accepted for a chunk, got {(int)response.StatusCode}");
                }

                offset += want;
                if (response.Headers.TryGetValues("Range", out var ranges) && ranges.FirstOrDefault() is { } range
                    && range != $"0-{offset - 1}" && range != $"bytes=0-{offset - 1}")
                {
                    throw new RegistryException($"{what} at {Endpoint.Name}: after {offset} bytes the registry reports it holds \"{range}\"");
                }

                location = ResolveLocation(response, location) ?? location;
            }

            if (content.ReadByte() >= 0)
            {
                throw new RegistryException($"{what}: the source holds more than the descriptor's {descriptor.Size} bytes");
            }

            return location;
        }
        catch (EndOfStreamException e)
        {
            throw new RegistryException($"{what}: the source holds fewer than the descriptor's {descriptor.Size} bytes", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task CloseUploadAsync(string repository, Descriptor descriptor, Uri location, Func<HttpContent> body, string what, CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(location);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : string.Empty) + "digest=" + Uri.EscapeDataString(descriptor.Digest.ToString());
        var request = new RegistryRequest(HttpMethod.Put, builder.Uri, PushScope(repository))
        {
            Content = () =>
            {
                var content = body();
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                return content;
            },

            // A streamed body cannot be sent twice; the pusher retries the whole blob instead.
            Replayable = false,
        };
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.InnerException is HttpRequestException { InnerException: BlobSourceException source })
        {
            throw new RegistryException($"{what}: {source.Message}", source);
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.Created)
            {
                await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
                throw new RegistryException($"{what} at {Endpoint.Name}: expected 201 Created, got {(int)response.StatusCode}");
            }
        }
    }

    /// <summary>Location may be absolute or relative to the request (distribution spec, "Pushing blobs").</summary>
    private static Uri? ResolveLocation(HttpResponseMessage response, Uri requestUri)
    {
        var location = response.Headers.Location;
        if (location is null)
        {
            return null;
        }

        var resolved = location.IsAbsoluteUri ? location : new Uri(response.RequestMessage?.RequestUri ?? requestUri, location);
        if (resolved.Scheme is not ("http" or "https"))
        {
            throw new RegistryException($"registry sent an upload Location with scheme \"{resolved.Scheme}\"");
        }

        return resolved;
    }
}
