namespace Kiln.Build.Solver;

/// <summary>
/// A build that stopped on a fault of Kiln's own (a broken invariant, a part used against its contract), not on
/// anything in the Dockerfile, the context or the images: reported as Kiln's error, with what a bug report needs,
/// never as the user's step failing. The fault is the inner exception.
/// </summary>
public sealed class BuildInternalException : Exception
{
    public BuildInternalException()
    {
    }

    public BuildInternalException(string message)
        : base(message)
    {
    }

    public BuildInternalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="fault">The exception of Kiln's that stopped the build.</param>
    /// <param name="step">The step it stopped in, or null.</param>
    public BuildInternalException(Exception fault, string? step)
        : base($"internal error{(step is null ? string.Empty : " in " + step)}: {fault?.Message}", fault)
    {
        Step = step;
    }

    /// <summary>The progress name of the step Kiln was running (<c>[2/3] WORKDIR .</c>), if it was in one.</summary>
    public string? Step { get; }

    /// <summary>
    /// Whether <paramref name="exception"/> is a fault of Kiln's code rather than a failure the user can act on:
    /// the .NET exceptions that mean a caller broke a contract or an invariant broke. Everything else (a missing
    /// COPY source, an unknown user, I/O, a bad archive, a download) is the user's step failing.
    /// </summary>
    public static bool IsInternal(Exception exception) => exception is InvalidOperationException or ArgumentException
        or NullReferenceException or IndexOutOfRangeException or InvalidCastException or KeyNotFoundException
        or NotImplementedException;
}
