using System.Globalization;
using System.Text.RegularExpressions;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// docker/go-units <c>RAMInBytes</c>, used for tmpfs <c>size=</c>: a decimal number, an optional space,
/// an optional k/m/g/t/p (binary multiples, any case), optional <c>i</c> and <c>b</c>: <c>64m</c>, <c>1.5GiB</c>, <c>4096</c>.
/// </summary>
public static partial class ByteSize
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var match = SizePattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var size))
        {
            return false;
        }

        var multiplier = match.Groups[3].Value.ToLowerInvariant() switch
        {
            "k" => 1L << 10,
            "m" => 1L << 20,
            "g" => 1L << 30,
            "t" => 1L << 40,
            "p" => 1L << 50,
            _ => 1L,
        };
        var value = size * multiplier;
        if (value >= long.MaxValue)
        {
            return false;
        }

        bytes = (long)value;
        return true;
    }

    [GeneratedRegex(@"^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();
}
