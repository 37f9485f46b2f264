namespace Kiln.Dockerfile.Ignore;

internal enum GlobTokenKind
{
    /// <summary>One rune, compared exactly (also an escaped <c>\x</c>).</summary>
    Literal,

    /// <summary><c>?</c>: any one rune except <c>/</c>.</summary>
    AnyRune,

    /// <summary><c>[...]</c>: one rune in (or, negated, not in) the class; a class may match <c>/</c>.</summary>
    Class,

    /// <summary><c>*</c>: any run of runes without <c>/</c>.</summary>
    Star,

    /// <summary>A <c>**</c> with more pattern after it (its <c>/</c> eaten): empty, or any text ending in <c>/</c>.</summary>
    DirStar,

    /// <summary>A <c>**</c> ending the pattern: any text at all.</summary>
    AnyStar,
}
