namespace Kiln.Dockerfile.Expansion;

/// <summary>One element of a compiled <see cref="ShellPattern"/>; <see cref="Rune"/> only matters for literals.</summary>
internal readonly record struct PatternToken(PatternTokenKind Kind, int Rune)
{
    public static PatternToken Literal(int rune) => new(PatternTokenKind.Literal, rune);

    public static readonly PatternToken AnyRune = new(PatternTokenKind.AnyRune, 0);

    public static readonly PatternToken AnyRun = new(PatternTokenKind.AnyRun, 0);
}
