using System.Buffers;
using System.Net;

namespace Kiln.Registry.Transport;

/// <summary>
/// A request body streamed from a caller's stream that is not disposed with the request (StreamContent would),
/// and that must yield exactly the declared length: a short or long source is an error, not a corrupt upload.
/// </summary>
internal sealed class BlobContent(Stream source, long length) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            long sent = 0;
            while (sent < length)
            {
                var want = (int)Math.Min(buffer.Length, length - sent);
                var read = await source.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new BlobSourceException($"the source ended after {sent} of {length} bytes");
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                sent += read;
            }

            if (await source.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) > 0)
            {
                throw new BlobSourceException($"the source holds more than {length} bytes");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Length;
        return true;
    }

    private long Length => length;
}
