namespace Kiln.Content.Images;

/// <summary>No local image matches a name, id or digest.</summary>
public sealed class ImageNotFoundException : Exception
{
    public ImageNotFoundException()
    {
    }

    public ImageNotFoundException(string message)
        : base(message)
    {
    }

    public ImageNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
