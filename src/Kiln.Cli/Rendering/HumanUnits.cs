using System.Globalization;

namespace Kiln.Cli.Rendering;

/// <summary>Sizes and ages as docker prints them (github.com/docker/go-units: HumanSizeWithPrecision, HumanDuration).</summary>
internal static class HumanUnits
{
    private static readonly string[] DecimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

    /// <summary>
    /// Decimal units with three significant digits: <c>4.26MB</c>, <c>123B</c>, <c>0B</c>. Where Go's
    /// <c>%.3g</c> would print <c>1e+03kB</c> for 999.5 kB, this moves to the next unit (<c>1MB</c>).
    /// </summary>
    public static string Size(long bytes)
    {
        double size = bytes;
        var unit = 0;
        while (size >= 1000 && unit < DecimalUnits.Length - 1)
        {
            size /= 1000;
            unit++;
        }

        var rounded = RoundSignificant(size, 3);
        if (rounded >= 1000 && unit < DecimalUnits.Length - 1)
        {
            rounded = RoundSignificant(rounded / 1000, 3);
            unit++;
        }

        return rounded.ToString("0.##", CultureInfo.InvariantCulture) + DecimalUnits[unit];
    }

    /// <summary><c>Less than a second</c>, <c>About a minute</c>, <c>3 hours</c>, <c>2 weeks</c>, <c>5 years</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        if (seconds < 1)
        {
            return "Less than a second";
        }

        if (seconds == 1)
        {
            return "1 second";
        }

        if (seconds < 60)
        {
            return $"{seconds} seconds";
        }

        var minutes = (long)duration.TotalMinutes;
        if (minutes == 1)
        {
            return "About a minute";
        }

        if (minutes < 60)
        {
            return $"{minutes} minutes";
        }

        var hours = (long)Math.Round(duration.TotalHours, MidpointRounding.AwayFromZero);
        if (hours == 1)
        {
            return "About an hour";
        }

        if (hours < 48)
        {
            return $"{hours} hours";
        }

        if (hours < 24 * 7 * 2)
        {
            return $"{hours / 24} days";
        }

        if (hours < 24 * 30 * 2)
        {
            return $"{hours / 24 / 7} weeks";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24 / 30} months";
        }

        return $"{(long)duration.TotalHours / 24 / 365} years";
    }

    /// <summary>How long ago <paramref name="time"/> was, or <c>N/A</c> when the image does not say.</summary>
    public static string Ago(DateTimeOffset? time, DateTimeOffset now) =>
        time is { } value ? Duration(now - value) + " ago" : "N/A";

    private static double RoundSignificant(double value, int digits)
    {
        if (value == 0)
        {
            return 0;
        }

        var scale = Math.Pow(10, digits - 1 - (int)Math.Floor(Math.Log10(value)));
        return Math.Round(value * scale, MidpointRounding.ToEven) / scale;
    }
}
