namespace Kiln.Oci;

/// <summary>A manifest, index, config or reference that is not well-formed or breaks a MUST of its spec.</summary>
public sealed class OciFormatException : FormatException
{
    public OciFormatException()
    {
    }

    public OciFormatException(string message)
        : base(message)
    {
    }

    public OciFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
