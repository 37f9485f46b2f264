namespace Kiln.Dockerfile.Expansion;

internal enum PatternTokenKind
{
    /// <summary>One specific rune.</summary>
    Literal,

    /// <summary><c>?</c>: any one rune except a line feed.</summary>
    AnyRune,

    /// <summary><c>*</c>: any run of runes without a line feed.</summary>
    AnyRun,
}
