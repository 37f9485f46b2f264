namespace Kiln.Oci.Json;

/// <summary>
/// The order Go's encoding/json sorts map keys in: byte order of the UTF-8 encoding, which is code point order.
/// Ordinal UTF-16 comparison differs from it only where a surrogate pair (a code point above U+FFFF) meets a
/// character in U+E000..U+FFFF, so that is the one case handled here.
/// </summary>
internal sealed class GoStringComparer : IComparer<string>
{
    public static readonly GoStringComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a == b)
            {
                continue;
            }

            var aSurrogate = char.IsSurrogate(a);
            if (aSurrogate != char.IsSurrogate(b))
            {
                return aSurrogate ? 1 : -1;
            }

            return a < b ? -1 : 1;
        }

        return x.Length.CompareTo(y.Length);
    }
}
