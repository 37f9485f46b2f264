using System.Globalization;

namespace Kiln.Content.Tar;

/// <summary><c>SOURCE_DATE_EPOCH</c>: https://reproducible-builds.org/specs/source-date-epoch/</summary>
public static class SourceDateEpoch
{
    public const string VariableName = "SOURCE_DATE_EPOCH";

    /// <summary>The time in <c>SOURCE_DATE_EPOCH</c>, or null when it is unset or empty.</summary>
    public static DateTimeOffset? FromEnvironment() => Parse(Environment.GetEnvironmentVariable(VariableName));

    /// <summary>
    /// The spec asks for an ASCII decimal count of seconds since the Unix epoch and says a malformed value must
    /// be an error, not ignored: a silently unclamped layer would be a wrong result.
    /// </summary>
    public static DateTimeOffset? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!value.All(char.IsAsciiDigit)
            || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            throw new FormatException($"{VariableName}=\"{value}\" is not a number of seconds since 1970-01-01T00:00:00Z");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }
}
