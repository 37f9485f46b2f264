using Kiln.Content.IO;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Registry.Transfer;

namespace Kiln.Registry.Local;

/// <summary>
/// Pushes from a <see cref="ContentStore"/>. The store verifies a blob's digest as it is read; a blob whose bytes no
/// longer match (disk corruption, tampering) fails its upload with the store's message rather than sending the
/// registry content under a digest it does not have.
/// </summary>
public sealed class ContentStoreBlobSource(ContentStore store, IProgress<BlobProgress>? progress = null) : IBlobSource
{
    public async ValueTask<Stream> OpenReadAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var info = store.Info(descriptor.Digest) ?? throw new BlobNotFoundException(descriptor.Digest);
        if (info.Size != descriptor.Size)
        {
            throw new InvalidDataException($"blob {descriptor.Digest} has {info.Size} bytes in the store, its descriptor says {descriptor.Size}");
        }

        var stream = await store.OpenReadAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false);
        progress?.Report(new BlobProgress(descriptor, BlobTransferState.Started));
        return new SourceStream(stream, descriptor, progress);
    }

    /// <summary>
    /// Turns the store's verdict at the end of a blob into the registry client's "the source is wrong" error, so the
    /// upload fails naming the store instead of looking like a dropped connection; and reports a blob read whole.
    /// </summary>
    private sealed class SourceStream(Stream inner, Descriptor descriptor, IProgress<BlobProgress>? progress) : ReadOnlyStream
    {
        private long _read;
        private bool _reported;

        public override long Length => inner.Length;

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException("a store blob is read front to back");
        }

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return Account(inner.Read(buffer), buffer.Length);
            }
            catch (BlobCorruptException e)
            {
                throw new BlobSourceException(e.Message, e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return Account(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);
            }
            catch (BlobCorruptException e)
            {
                throw new BlobSourceException(e.Message, e);
            }
        }

        private int Account(int read, int asked)
        {
            _read += read;
            if (read == 0 && asked > 0 && !_reported && _read == descriptor.Size)
            {
                // End of stream after the whole blob: the store has verified the digest by now.
                _reported = true;
                progress?.Report(new BlobProgress(descriptor, BlobTransferState.Uploaded));
            }

            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
