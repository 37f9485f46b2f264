using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;
using Kiln.Oci.Json;

namespace Kiln.Oci;

/// <summary>
/// A point in time as image configs carry it: RFC 3339 with up to nanosecond precision, which is what Go's
/// <c>time.Time</c> reads and writes. <see cref="DateTimeOffset"/> stops at 100 ns, so the last two digits are
/// kept in <see cref="SubTickNanoseconds"/>: a base image's history copied into a new config keeps its exact
/// bytes, as it does under BuildKit.
/// </summary>
[JsonConverter(typeof(OciTimestampJsonConverter))]
public readonly record struct OciTimestamp
{
    public OciTimestamp(DateTimeOffset value)
        : this(value, 0)
    {
    }

    public OciTimestamp(DateTimeOffset value, int subTickNanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(subTickNanoseconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(subTickNanoseconds, 99);
        Value = value;
        SubTickNanoseconds = subTickNanoseconds;
    }

    public DateTimeOffset Value { get; }

    /// <summary>Nanoseconds below <see cref="DateTimeOffset"/>'s 100 ns tick, 0 to 99.</summary>
    public int SubTickNanoseconds { get; }

    /// <summary>The time of a <c>SOURCE_DATE_EPOCH</c>-style count of seconds, in UTC.</summary>
    public static OciTimestamp FromUnixSeconds(long seconds) => new(DateTimeOffset.FromUnixTimeSeconds(seconds));

    public static OciTimestamp Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"invalid RFC 3339 time \"{text}\"");

    /// <summary>
    /// Parses <c>YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)</c>. Fraction digits past the ninth are dropped, as Go does.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out OciTimestamp value)
    {
        value = default;
        if (text is null || text.Length < 20)
        {
            return false;
        }

        var s = text.AsSpan();
        if (!Digits(s, 0, 4, out var year) || s[4] != '-' || !Digits(s, 5, 2, out var month) || s[7] != '-' ||
            !Digits(s, 8, 2, out var day) || s[10] is not ('T' or 't') || !Digits(s, 11, 2, out var hour) ||
            s[13] != ':' || !Digits(s, 14, 2, out var minute) || s[16] != ':' || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        var position = 19;
        long nanoseconds = 0;
        if (s[position] == '.')
        {
            position++;
            var start = position;
            var scale = 100_000_000L;
            while (position < s.Length && char.IsAsciiDigit(s[position]))
            {
                nanoseconds += (s[position] - '0') * scale;
                scale /= 10;
                position++;
            }

            if (position == start)
            {
                return false;
            }
        }

        if (position >= s.Length)
        {
            return false;
        }

        TimeSpan offset;
        if (s[position] is 'Z' or 'z')
        {
            offset = TimeSpan.Zero;
            position++;
        }
        else if (s[position] is '+' or '-' && s.Length - position == 6 && Digits(s, position + 1, 2, out var offsetHours) &&
                 s[position + 3] == ':' && Digits(s, position + 4, 2, out var offsetMinutes) && offsetMinutes < 60)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (s[position] == '-')
            {
                offset = -offset;
            }

            position += 6;
        }
        else
        {
            return false;
        }

        if (position != s.Length || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59 || offset.Duration() > TimeSpan.FromHours(14))
        {
            return false;
        }

        var clock = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(nanoseconds / 100);
        var utcTicks = clock.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new OciTimestamp(new DateTimeOffset(clock, offset), (int)(nanoseconds % 100));
        return true;
    }

    /// <summary>Go's <c>time.RFC3339Nano</c>: trailing fraction zeros trimmed, <c>Z</c> for UTC.</summary>
    public override string ToString()
    {
        var clock = Value.DateTime;
        var text = clock.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
        var nanoseconds = (clock.Ticks % TimeSpan.TicksPerSecond * 100) + SubTickNanoseconds;
        if (nanoseconds != 0)
        {
            text += "." + nanoseconds.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        var offset = Value.Offset;
        if (offset == TimeSpan.Zero)
        {
            return text + "Z";
        }

        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var magnitude = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{text}{sign}{magnitude.Hours:D2}:{magnitude.Minutes:D2}");
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }
}
