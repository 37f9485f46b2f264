namespace Kiln.Build.Context;

/// <summary>
/// A file time as the kernel keeps it: seconds since the epoch and nanoseconds within the second. Not one count of
/// nanoseconds: a long of those ends in 2262, and a file (or a tar entry) may carry a later time, which must reach
/// the copy unchanged.
/// </summary>
internal readonly record struct FileTime(long Seconds, long Nanoseconds)
{
    /// <summary>The time of <paramref name="time"/>, to its 100 ns ticks.</summary>
    public static FileTime Of(DateTimeOffset time)
    {
        var seconds = Math.DivRem((time - DateTimeOffset.UnixEpoch).Ticks, TimeSpan.TicksPerSecond, out var ticks);
        if (ticks < 0)
        {
            seconds--;
            ticks += TimeSpan.TicksPerSecond;
        }

        return new FileTime(seconds, ticks * 100);
    }
}
