using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Registry.Transfer;

namespace Kiln.Build.Export;

/// <summary>Blobs for a push, read from the content store (verified while read).</summary>
internal sealed class ContentStoreBlobSource(ContentStore content) : IBlobSource
{
    public async ValueTask<Stream> OpenReadAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return await content.OpenReadAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false);
    }
}
