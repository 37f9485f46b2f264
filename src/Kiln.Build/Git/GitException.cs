namespace Kiln.Build.Git;

/// <summary>A git source that cannot be fetched: its message is for the user, at the ADD's line or for the context.</summary>
public sealed class GitException : Exception
{
    public GitException()
    {
    }

    public GitException(string message)
        : base(message)
    {
    }

    public GitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
