using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Registry.Transfer;

namespace Kiln.Registry.Local;

/// <summary>
/// Pulls straight into a <see cref="ContentStore"/>: each blob streams into an <see cref="IngestStream"/> (a temp
/// file under the store's <c>ingest/</c>) and is committed only under its expected digest and size, so an
/// interrupted or lying download never leaves a blob under a wrong name. The caller holds a
/// <see cref="ContentStore.LeaseAsync"/> from the first blob until the image is named, or a prune in another
/// process may sweep blobs that are written but not yet referenced.
/// </summary>
public sealed class ContentStoreBlobSink(ContentStore store, IProgress<BlobProgress>? progress = null) : IBlobSink
{
    public ValueTask<bool> ContainsAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);

        // A file of the wrong size under the digest's name cannot be the blob; it is fetched again and replaced.
        var present = store.Info(descriptor.Digest)?.Size == descriptor.Size;
        if (present)
        {
            progress?.Report(new BlobProgress(descriptor, BlobTransferState.AlreadyExists));
        }

        return ValueTask.FromResult(present);
    }

    public async ValueTask<IBlobSinkWriter> BeginWriteAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var ingest = await store.OpenWriterAsync(descriptor.Digest.Algorithm, cancellationToken).ConfigureAwait(false);
        progress?.Report(new BlobProgress(descriptor, BlobTransferState.Started));
        return new Writer(ingest, descriptor, progress);
    }

    private sealed class Writer(IngestStream ingest, Descriptor descriptor, IProgress<BlobProgress>? progress) : IBlobSinkWriter
    {
        public Stream Stream => ingest;

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            // The store hashes what it was given on its own: the puller's check and this one are independent.
            await ingest.CommitAsync(descriptor.Digest, descriptor.Size, cancellationToken).ConfigureAwait(false);
            progress?.Report(new BlobProgress(descriptor, BlobTransferState.Downloaded));
        }

        public ValueTask DisposeAsync() => ingest.DisposeAsync();
    }
}
