namespace Kiln.Dockerfile.Ignore;

/// <summary>One element of a compiled glob; <see cref="Rune"/> is set for literals, <see cref="Class"/> for classes.</summary>
internal readonly record struct GlobToken(GlobTokenKind Kind, int Rune = 0, CharClass? Class = null);
