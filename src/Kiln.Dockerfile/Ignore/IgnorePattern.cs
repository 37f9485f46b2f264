namespace Kiln.Dockerfile.Ignore;

/// <summary>
/// One active pattern of a <see cref="PatternMatcher"/>, as BuildKit keeps it: trimmed, <c>filepath.Clean</c>ed,
/// with the leading <c>!</c> removed and recorded in <see cref="IsExclusion"/>.
/// </summary>
/// <param name="Text">The cleaned pattern without its <c>!</c>, e.g. <c>docs</c> for <c>!docs/</c>.</param>
/// <param name="IsExclusion">True for a <c>!</c> pattern: a path it matches is re-included.</param>
public sealed record IgnorePattern(string Text, bool IsExclusion)
{
    public override string ToString() => IsExclusion ? "!" + Text : Text;
}
