namespace Kiln.Registry;

/// <summary>The local side of an upload did not hold what its descriptor promised.</summary>
internal sealed class BlobSourceException : Exception
{
    public BlobSourceException()
    {
    }

    public BlobSourceException(string message)
        : base(message)
    {
    }

    public BlobSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
