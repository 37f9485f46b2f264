namespace Kiln.Dockerfile.Ignore;

/// <summary>
/// The result of matching one path in a tree walk (<see cref="PatternMatcher.MatchesUsingParentResults"/>):
/// whether the path is matched (excluded from the context), plus, per pattern, whether the pattern matched
/// the path or one of its ancestors. Passing a directory's info when matching its children lets every path
/// be tested once per pattern instead of once per ancestor.
/// <c>default</c> means "no information about the parent": use it for the entries at the context root.
/// </summary>
public readonly struct PatternMatchInfo : IEquatable<PatternMatchInfo>
{
    private readonly PatternMatcher? owner;

    /// <summary>Bit i = pattern i matched this path or an ancestor; patterns 64 and up live in <see cref="wide"/>.</summary>
    private readonly ulong narrow;

    private readonly ulong[]? wide;

    internal PatternMatchInfo(PatternMatcher owner, bool isMatched, ulong narrow, ulong[]? wide)
    {
        this.owner = owner;
        IsMatched = isMatched;
        this.narrow = narrow;
        this.wide = wide;
    }

    /// <summary>True when the path is matched by the patterns (after exclusions), i.e. ignored.</summary>
    public bool IsMatched { get; }

    /// <summary>False for <c>default</c>: nothing is known and ancestors are checked from the path itself.</summary>
    public bool HasParentResults => owner is not null;

    internal PatternMatcher? Owner => owner;

    public static bool operator ==(PatternMatchInfo left, PatternMatchInfo right) => left.Equals(right);

    public static bool operator !=(PatternMatchInfo left, PatternMatchInfo right) => !left.Equals(right);

    /// <summary>Whether pattern <paramref name="index"/> matched this path or one of its ancestors.</summary>
    public bool PatternMatched(int index)
    {
        if (index < 64)
        {
            return (narrow & (1UL << index)) != 0;
        }

        return wide is not null && (wide[(index - 64) >> 6] & (1UL << (index & 63))) != 0;
    }

    public bool Equals(PatternMatchInfo other)
    {
        if (!ReferenceEquals(owner, other.owner) || IsMatched != other.IsMatched || narrow != other.narrow)
        {
            return false;
        }

        return wide is null || other.wide is null
            ? wide is null && other.wide is null
            : wide.AsSpan().SequenceEqual(other.wide);
    }

    public override bool Equals(object? obj) => obj is PatternMatchInfo other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(owner, IsMatched, narrow);
}
