namespace Kiln.Content.Tar;

/// <summary>A tar archive that is malformed, truncated, or uses something we refuse; the message says what and where.</summary>
public sealed class TarFormatException : IOException
{
    public TarFormatException()
    {
    }

    public TarFormatException(string message)
        : base(message)
    {
    }

    public TarFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
