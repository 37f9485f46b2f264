using Kiln.Oci;

namespace Kiln.Content.Store;

/// <summary>The store has no blob with this digest.</summary>
public sealed class BlobNotFoundException : Exception
{
    public BlobNotFoundException()
    {
    }

    public BlobNotFoundException(string message)
        : base(message)
    {
    }

    public BlobNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BlobNotFoundException(Digest digest)
        : base($"blob {digest} not found in the content store")
    {
        Digest = digest;
    }

    public Digest Digest { get; }
}
