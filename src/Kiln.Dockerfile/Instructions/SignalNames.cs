using System.Collections.Frozen;
using System.Globalization;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// moby/sys <c>signal.ParseSignal</c> for Linux, which BuildKit applies to STOPSIGNAL: any non-zero
/// integer, or a Linux signal name in any case with or without the <c>SIG</c> prefix.
/// </summary>
internal static class SignalNames
{
    // Kept in a fixed order so that "did you mean" picks the same signal every time.
    private static readonly string[] Ordered = CreateNames();
    private static readonly FrozenSet<string> Names = Ordered.ToFrozenSet(StringComparer.Ordinal);

    public static IEnumerable<string> All => Ordered;

    public static bool IsValid(string text)
    {
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number != 0;
        }

        var upper = text.ToUpperInvariant();
        var name = upper.StartsWith("SIG", StringComparison.Ordinal) ? upper[3..] : upper;
        return Names.Contains(name);
    }

    private static string[] CreateNames()
    {
        var names = new List<string>
        {
            "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL",
            "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1",
            "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX",
        };
        for (var i = 1; i <= 15; i++)
        {
            names.Add($"RTMIN+{i}");
        }

        for (var i = 1; i <= 14; i++)
        {
            names.Add($"RTMAX-{i}");
        }

        return [.. names];
    }
}
