using System.Net;

namespace Kiln.Registry.Transport;

/// <summary>A response's content, read through an <see cref="IdleTimeoutStream"/>, with the original's headers.</summary>
internal sealed class IdleTimeoutContent : HttpContent
{
    private readonly HttpContent inner;
    private readonly TimeSpan idle;
    private readonly string what;

    public IdleTimeoutContent(HttpContent inner, TimeSpan idle, string what)
    {
        this.inner = inner;
        this.idle = idle;
        this.what = what;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new IdleTimeoutStream(await inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), idle, what);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var body = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await body.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    // The Content-Length header, copied from the original, is the length when there is one.
    protected override bool TryComputeLength(out long length)
    {
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
