using System.Collections.Immutable;

namespace Kiln.Dockerfile.Expansion;

/// <summary>
/// The result of expanding one word: the value, or an error message (never both), and the
/// variable names that were looked up and found (<see cref="Matched"/>) or not (<see cref="Unmatched"/>).
/// </summary>
public sealed record WordExpansion(string? Value, string? Error, ImmutableHashSet<string> Matched, ImmutableHashSet<string> Unmatched)
{
    public bool Succeeded => Error is null;

    /// <summary>The <see cref="Diagnostics.DiagnosticCodes"/> code (DF2xxx) for <see cref="Error"/>; null on success.</summary>
    public string? ErrorCode { get; init; }
}
