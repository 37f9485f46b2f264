namespace Kiln.Registry;

/// <summary>A blob body stopped mid-way; carries how much had arrived so the download can resume there.</summary>
internal sealed class BodyDroppedException : Exception
{
    public BodyDroppedException()
    {
    }

    public BodyDroppedException(string message)
        : base(message)
    {
    }

    public BodyDroppedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BodyDroppedException(long written, Exception innerException)
        : base($"the connection dropped after {written} bytes", innerException) => Written = written;

    public long Written { get; }
}
