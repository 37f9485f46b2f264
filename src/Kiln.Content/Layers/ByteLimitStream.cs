using Kiln.Content.IO;
using Kiln.Content.Tar;

namespace Kiln.Content.Layers;

/// <summary>
/// Fails once more than a set number of bytes has been read: the guard against decompression bombs. A ratio guard
/// would refuse honest layers of zeros, so the bound is absolute and chosen by the caller.
/// </summary>
internal sealed class ByteLimitStream(Stream inner, long limit) : ReadOnlyStream
{
    private long _total;

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _total += read;
        return _total > limit
            ? throw new TarFormatException($"the layer expands to more than {limit} bytes, the configured limit")
            : read;
    }
}
