using Kiln.Oci;

namespace Kiln.Content.Store;

/// <summary>A blob's bytes on disk no longer hash to its digest (disk corruption or tampering).</summary>
public sealed class BlobCorruptException : Exception
{
    public BlobCorruptException()
    {
    }

    public BlobCorruptException(string message)
        : base(message)
    {
    }

    public BlobCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BlobCorruptException(Digest expected, Digest actual, string path)
        : base($"blob {expected} is corrupt: {path} hashes to {actual}; remove it with 'kiln prune' after untagging, or fetch it again")
    {
        Expected = expected;
        Actual = actual;
    }

    public Digest Expected { get; }

    public Digest Actual { get; }
}
