namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// A resource limit the user asked for that this host cannot give a step (no such controller, no swap accounting, a
/// value the kernel refuses): the user's step failing, at its line, never a fault of Kiln's own.
/// </summary>
public sealed class CgroupLimitException : Exception
{
    public CgroupLimitException()
    {
    }

    public CgroupLimitException(string message)
        : base(message)
    {
    }

    public CgroupLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
