using System.Collections.Immutable;

namespace Kiln.Dockerfile.Expansion;

/// <summary>The result of expanding and splitting a word into words; see <see cref="WordExpansion"/>.</summary>
public sealed record WordsExpansion(ImmutableArray<string> Values, string? Error, ImmutableHashSet<string> Matched, ImmutableHashSet<string> Unmatched)
{
    public bool Succeeded => Error is null;

    /// <summary>The <see cref="Diagnostics.DiagnosticCodes"/> code (DF2xxx) for <see cref="Error"/>; null on success.</summary>
    public string? ErrorCode { get; init; }
}
