namespace Kiln.Runtime.Linux.Users;

/// <summary>
/// A USER that names no user the runtime can set: an id out of range, written or from the image's passwd or group
/// file. Running as root instead would be a wrong image made silently.
/// </summary>
public sealed class InvalidUserException : Exception
{
    public InvalidUserException()
    {
    }

    public InvalidUserException(string message)
        : base(message)
    {
    }

    public InvalidUserException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
