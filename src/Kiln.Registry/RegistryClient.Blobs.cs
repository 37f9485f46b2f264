using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Kiln.Oci;
using Kiln.Registry.Transport;

namespace Kiln.Registry;

public sealed partial class RegistryClient
{
    private const int CopyBufferSize = 128 * 1024;

    /// <summary>HEAD a blob: its size when the repository has it, null when the registry says 404.</summary>
    public async Task<long?> HeadBlobAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        RegistryNames.ValidateRepository(repository);
        var request = new RegistryRequest(HttpMethod.Head, await UriAsync($"/v2/{repository}/blobs/{digest}", cancellationToken).ConfigureAwait(false), PullScope(repository))
        {
            Idempotent = true,
        };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"blob {repository}@{digest}", cancellationToken).ConfigureAwait(false);
        return response.Content.Headers.ContentLength ?? -1;
    }

    /// <summary>
    /// Streams a blob into <paramref name="destination"/>, checking its size and digest. A connection that drops
    /// mid-body is resumed with <c>Range: bytes=N-</c> (RFC 9110 section 14.2); when the registry ignores the range
    /// and sends the whole blob again, the part already written is skipped. Nothing is written past the
    /// descriptor's size; a digest mismatch throws after the last byte, so the caller must discard the destination.
    /// </summary>
    public async Task GetBlobAsync(string repository, Descriptor descriptor, Stream destination, CancellationToken cancellationToken)
    {
        RegistryNames.ValidateRepository(repository);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(destination);
        if (descriptor.Size < 0)
        {
            throw new ArgumentException($"blob {descriptor.Digest} has a negative size", nameof(descriptor));
        }

        var uri = await UriAsync($"/v2/{repository}/blobs/{descriptor.Digest}", cancellationToken).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(descriptor.Digest.Algorithm == "sha512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long written = 0;
            var failuresWithoutProgress = 0;
            var resumes = 0;
            while (true)
            {
                var request = new RegistryRequest(HttpMethod.Get, uri, PullScope(repository))
                {
                    Idempotent = true,
                    Stream = true,
                    RangeFrom = written > 0 ? written : null,
                };
                var before = written;
                Exception? dropped = null;
                using (var response = await SendAsync(request, cancellationToken).ConfigureAwait(false))
                {
                    await EnsureSuccessAsync(response, $"blob {repository}@{descriptor.Digest}", cancellationToken).ConfigureAwait(false);
                    var skip = CheckRange(response, descriptor, written);
                    try
                    {
                        written = await CopyBodyAsync(response, descriptor, destination, hash, buffer, written, skip, cancellationToken).ConfigureAwait(false);
                    }
                    catch (BodyDroppedException e)
                    {
                        written = e.Written;
                        dropped = e.InnerException;
                    }
                }

                if (dropped is null && written == descriptor.Size)
                {
                    break;
                }

                failuresWithoutProgress = written > before ? 0 : failuresWithoutProgress + 1;
                var reason = dropped is null ? "the body ended early" : NetworkStalledException.MessageOf(dropped);
                if (failuresWithoutProgress >= Options.MaxAttempts)
                {
                    throw new RegistryException(
                        $"blob {descriptor.Digest} from {Endpoint.Name}: the connection kept dropping at byte {written} of {descriptor.Size}: {reason}",
                        dropped ?? new IOException(reason));
                }

                if (++resumes > Options.MaxResumes)
                {
                    throw new RegistryException(
                        $"blob {descriptor.Digest} from {Endpoint.Name}: gave up after {Options.MaxResumes} resumes at byte {written} of {descriptor.Size}: {reason}",
                        dropped ?? new IOException(reason));
                }

                await Task.Delay(RetryPolicy.Delay(failuresWithoutProgress + 1, Options, null, time), time, cancellationToken).ConfigureAwait(false);
            }

            var actual = Digest.Parse($"{descriptor.Digest.Algorithm}:{Convert.ToHexStringLower(hash.GetHashAndReset())}");
            if (actual != descriptor.Digest)
            {
                throw new RegistryException($"blob from {Endpoint.Name} {repository} has digest {actual}, expected {descriptor.Digest}");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>How many leading bytes of this response the destination already has.</summary>
    private long CheckRange(HttpResponseMessage response, Descriptor descriptor, long written)
    {
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            var range = response.Content.Headers.ContentRange;
            if (written == 0 || range is null || !range.HasRange || range.From != written || (range.HasLength && range.Length != descriptor.Size))
            {
                throw new RegistryException($"registry {Endpoint.Name} answered a range request for {descriptor.Digest} from byte {written} with Content-Range \"{range}\"");
            }

            return 0;
        }

        if (response.Content.Headers.ContentLength is { } length && length != descriptor.Size)
        {
            throw new RegistryException($"blob {descriptor.Digest} from {Endpoint.Name} is {length} bytes, its descriptor says {descriptor.Size}");
        }

        return written;
    }

    private async Task<long> CopyBodyAsync(
        HttpResponseMessage response, Descriptor descriptor, Stream destination, IncrementalHash hash, byte[] buffer, long written, long skip, CancellationToken cancellationToken)
    {
        Stream body;
        try
        {
            body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (RetryPolicy.IsTransient(e))
        {
            throw new BodyDroppedException(written, e);
        }

        await using (body.ConfigureAwait(false))
        {
            while (true)
            {
                int read;
                try
                {
                    // The body's stream has the idle timeout on each read: a stall arrives here as an IOException.
                    read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (RetryPolicy.IsTransient(e) && !cancellationToken.IsCancellationRequested)
                {
                    throw new BodyDroppedException(written, e);
                }

                if (read == 0)
                {
                    return written;
                }

                var chunk = buffer.AsMemory(0, read);
                if (skip > 0)
                {
                    var drop = (int)Math.Min(skip, read);
                    skip -= drop;
                    chunk = chunk[drop..];
                }

                if (written + chunk.Length > descriptor.Size)
                {
                    throw new RegistryException($"blob {descriptor.Digest} from {Endpoint.Name} is longer than its descriptor's {descriptor.Size} bytes");
                }

                hash.AppendData(chunk.Span);
                await destination.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                written += chunk.Length;
            }
        }
    }
}
