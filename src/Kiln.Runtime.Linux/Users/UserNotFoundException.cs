namespace Kiln.Runtime.Linux.Users;

/// <summary>A user or group name that the image's <c>/etc/passwd</c> or <c>/etc/group</c> does not have.</summary>
public sealed class UserNotFoundException : Exception
{
    public UserNotFoundException()
    {
    }

    public UserNotFoundException(string message)
        : base(message)
    {
    }

    public UserNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
