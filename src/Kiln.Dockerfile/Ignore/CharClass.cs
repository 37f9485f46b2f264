using System.Collections.Immutable;

namespace Kiln.Dockerfile.Ignore;

/// <summary>
/// A Go <c>filepath.Match</c> character class: inclusive rune ranges (a single character is a range of one),
/// optionally negated with a leading <c>^</c>. Go does not check that <c>lo &lt;= hi</c>; a reversed range
/// such as <c>[z-a]</c> is valid and matches nothing.
/// </summary>
internal sealed class CharClass(bool negated, ImmutableArray<int> bounds)
{
    /// <summary>Flattened pairs: <c>lo0, hi0, lo1, hi1, ...</c>.</summary>
    private readonly ImmutableArray<int> bounds = bounds;

    public bool Negated { get; } = negated;

    public int RangeCount => bounds.Length / 2;

    public bool Contains(int rune)
    {
        var inRange = false;
        for (var i = 0; i < bounds.Length; i += 2)
        {
            if (bounds[i] <= rune && rune <= bounds[i + 1])
            {
                inRange = true;
                break;
            }
        }

        return inRange != Negated;
    }
}
