using System.Globalization;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// Go's <c>time.ParseDuration</c>, which BuildKit uses for HEALTHCHECK durations: a signed sequence
/// of decimal numbers, each with a unit (<c>ns</c>, <c>us</c>/<c>µs</c>/<c>μs</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>),
/// e.g. <c>1m30s</c>, <c>1.5h</c>, <c>-2s</c>; <c>0</c> alone needs no unit. Error texts are Go's.
/// </summary>
internal static class GoDuration
{
    private const decimal MaxNanoseconds = long.MaxValue;

    public static bool TryParse(string text, out long nanoseconds, out string? error)
    {
        nanoseconds = 0;
        error = null;
        var quoted = "\"" + text + "\"";
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            error = "time: invalid duration " + quoted;
            return false;
        }

        decimal total = 0;
        while (!s.IsEmpty)
        {
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
            {
                error = "time: invalid duration " + quoted;
                return false;
            }

            var start = 0;
            while (start < s.Length && char.IsAsciiDigit(s[start]))
            {
                start++;
            }

            var hasInteger = start > 0;
            decimal value = hasInteger ? ParseDigits(s[..start]) : 0;
            s = s[start..];
            decimal fraction = 0;
            var hasFraction = false;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                var digits = 0;
                while (digits < s.Length && char.IsAsciiDigit(s[digits]))
                {
                    digits++;
                }

                hasFraction = digits > 0;
                // Go ignores fraction digits beyond what can matter; 18 keeps decimal exact.
                var kept = Math.Min(digits, 18);
                if (kept > 0)
                {
                    fraction = ParseDigits(s[..kept]) / Pow10(kept);
                }

                s = s[digits..];
            }

            if (!hasInteger && !hasFraction)
            {
                error = "time: invalid duration " + quoted;
                return false;
            }

            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength]))
            {
                unitLength++;
            }

            if (unitLength == 0)
            {
                error = "time: missing unit in duration " + quoted;
                return false;
            }

            var unit = s[..unitLength].ToString();
            s = s[unitLength..];
            decimal? scale = unit switch
            {
                "ns" => 1m,
                "us" or "\u00b5s" or "\u03bcs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => null,
            };
            if (scale is null)
            {
                error = $"time: unknown unit \"{unit}\" in duration {quoted}";
                return false;
            }

            if (value > MaxNanoseconds)
            {
                error = "time: invalid duration " + quoted;
                return false;
            }

            total += decimal.Truncate(value * scale.Value) + decimal.Truncate(fraction * scale.Value);
            if (total > MaxNanoseconds + (negative ? 1 : 0))
            {
                error = "time: invalid duration " + quoted;
                return false;
            }
        }

        nanoseconds = negative ? (long)-total : (long)total;
        return true;
    }

    private static decimal ParseDigits(ReadOnlySpan<char> digits)
    {
        // Long digit strings would overflow decimal; anything above 29 digits is far beyond the limit anyway.
        if (digits.Length > 28)
        {
            return decimal.MaxValue;
        }

        return decimal.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static decimal Pow10(int n)
    {
        decimal result = 1;
        for (var i = 0; i < n; i++)
        {
            result *= 10;
        }

        return result;
    }
}
