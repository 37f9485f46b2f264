namespace Kiln.Content.Paths;

/// <summary>A path from a user, an image or an archive that would leave its root, or that cannot be resolved safely.</summary>
public sealed class UnsafePathException : IOException
{
    public UnsafePathException()
    {
    }

    public UnsafePathException(string message)
        : base(message)
    {
    }

    public UnsafePathException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
