using Kiln.Oci;

namespace Kiln.Registry.Transfer;

/// <summary>Where pushed content comes from; every blob a pushed manifest names must be readable here.</summary>
public interface IBlobSource
{
    /// <summary>Opens a blob from its start; may be called again for the same blob when an upload is retried.</summary>
    ValueTask<Stream> OpenReadAsync(Descriptor descriptor, CancellationToken cancellationToken);
}
