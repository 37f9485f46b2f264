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

    /// <summary>
    /// What to tell the user about a failed exchange: a stall's own words wherever the HTTP stack wrapped it (a body
    /// buffered for the caller fails as "Error while copying content to a stream"), else the exception's message.
    /// </summary>
    public static string MessageOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NetworkStalledException)
            {
                return e.Message;
            }
        }

        return exception.Message;
    }
}
