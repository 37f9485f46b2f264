namespace Kiln.Runtime.Linux.Snapshots;

/// <summary>
/// A layer that exists only as a snapshot (a build step's, not exported yet) was removed (<c>kiln prune --all</c>
/// while a build ran) or may be incomplete (made before a crash), and there is no blob to unpack it from.
/// </summary>
public sealed class SnapshotGoneException : IOException
{
    public SnapshotGoneException(string message)
        : base(message)
    {
    }

    public SnapshotGoneException()
    {
    }

    public SnapshotGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
