using Kiln.Oci;

namespace Kiln.Content.Store;

/// <summary>Content written to the store did not match the digest or size it was announced with; nothing was stored.</summary>
public sealed class DigestMismatchException : Exception
{
    public DigestMismatchException()
    {
    }

    public DigestMismatchException(string message)
        : base(message)
    {
    }

    public DigestMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
