namespace Kiln.Build.Copy;

/// <summary>How <see cref="CopyExecutor"/> writes into the target root.</summary>
public sealed record CopyOptions
{
    public static CopyOptions Default { get; } = new();

    /// <summary>
    /// When set (SOURCE_DATE_EPOCH), every copied entry and every created directory gets this time, as BuildKit's
    /// copy with a created time does. Null: source mtimes are kept and created directories get the current time.
    /// </summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Act as root (set owners, create devices). Null: when the effective uid is 0.</summary>
    public bool? Privileged { get; init; }
}
