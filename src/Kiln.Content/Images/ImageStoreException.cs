namespace Kiln.Content.Images;

/// <summary>
/// A local image operation that cannot be done as asked: an ambiguous id prefix, an image referenced by several
/// repositories, a damaged <c>images.json</c>.
/// </summary>
public sealed class ImageStoreException : Exception
{
    public ImageStoreException()
    {
    }

    public ImageStoreException(string message)
        : base(message)
    {
    }

    public ImageStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
