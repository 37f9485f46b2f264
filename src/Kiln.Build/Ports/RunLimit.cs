using System.Globalization;

namespace Kiln.Build.Ports;

/// <summary>
/// One <c>--ulimit NAME=SOFT[:HARD]</c> for every RUN, as docker's go-units parses it: NAME is an rlimit without its
/// RLIMIT_ prefix (nofile, nproc, core, ...), -1 is unlimited.
/// </summary>
public sealed record RunLimit(string Name, long Soft, long Hard)
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
    };

    /// <summary>The OCI runtime's name for it (RLIMIT_NOFILE).</summary>
    public string RlimitType => "RLIMIT_" + Name.ToUpperInvariant();

    public static RunLimit? Parse(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? text : text[..equals];
        var values = equals < 0 ? [] : text[(equals + 1)..].Split(':');
        problem = !Names.Contains(name) ? $"unknown limit '{name}' (one of {string.Join(", ", Names.Order(StringComparer.Ordinal))})"
            : values.Length is < 1 or > 2 || !values.All(IsValue) ? "expected NAME=SOFT[:HARD], each a number or -1 for unlimited"
            : null;
        if (problem is not null)
        {
            return null;
        }

        var soft = long.Parse(values[0], CultureInfo.InvariantCulture);
        var hard = values.Length == 2 ? long.Parse(values[1], CultureInfo.InvariantCulture) : soft;
        if (hard != -1 && (soft == -1 || soft > hard))
        {
            problem = $"the soft limit {soft} is above the hard limit {hard}";
            return null;
        }

        return new RunLimit(name, soft, hard);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}={Soft}:{Hard}");

    private static bool IsValue(string text) => text == "-1" || (text.Length > 0 && text.All(char.IsAsciiDigit) && long.TryParse(text, CultureInfo.InvariantCulture, out _));
}
