namespace Kiln.Build.Export;

/// <summary>An <c>--output</c> value that cannot be used; the message says what to write instead.</summary>
public sealed class OutputSpecException : Exception
{
    public OutputSpecException()
    {
    }

    public OutputSpecException(string message)
        : base(message)
    {
    }

    public OutputSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
