namespace Kiln.Registry;

/// <summary>
/// No byte moved on a connection for the idle timeout (<see cref="Transport.NetworkEnvironment.IdleTimeoutVariable"/>):
/// the peer stopped sending or stopped reading. An <see cref="IOException"/>, so a download that meets it resumes
/// like one whose connection dropped, within the same bounds.
/// </summary>
public sealed class NetworkStalledException : IOException
{
    public NetworkStalledException()
    {
    }

    public NetworkStalledException(string message)
        : base(message)
    {
    }

    public NetworkStalledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
