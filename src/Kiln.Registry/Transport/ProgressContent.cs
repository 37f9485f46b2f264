using System.Net;

namespace Kiln.Registry.Transport;

/// <summary>
/// A request body that reports each write it makes to the connection, so the sender's idle watch restarts while an
/// upload moves and fires once the peer stops reading, and reports when the last byte is out. Headers are the
/// original's.
/// </summary>
internal sealed class ProgressContent : HttpContent
{
    private readonly HttpContent inner;
    private readonly Action progress;
    private readonly Action sent;

    public ProgressContent(HttpContent inner, Action progress, Action sent)
    {
        this.inner = inner;
        this.progress = progress;
        this.sent = sent;
        foreach (var header in inner.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await inner.CopyToAsync(new ProgressStream(stream, progress), context, cancellationToken).ConfigureAwait(false);
        sent();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        if (inner.Headers.ContentLength is { } known)
        {
            length = known;
            return true;
        }

        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
