namespace Kiln.Build.Copy;

/// <summary>
/// A COPY or ADD that cannot be done as written: a missing source, a path outside the context, a destination
/// that contradicts the sources, an unknown --chown user, a feature not supported yet. The message is for the user.
/// </summary>
public sealed class CopyException : Exception
{
    public CopyException()
    {
    }

    public CopyException(string message)
        : base(message)
    {
    }

    public CopyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
