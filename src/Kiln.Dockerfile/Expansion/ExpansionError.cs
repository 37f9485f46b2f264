using Kiln.Dockerfile.Diagnostics;

namespace Kiln.Dockerfile.Expansion;

/// <summary>Why an expansion failed: a stable <see cref="DiagnosticCodes"/> code and BuildKit's wording.</summary>
internal readonly record struct ExpansionError(string Code, string Message)
{
    public static ExpansionError MissingBrace() =>
        new(DiagnosticCodes.ExpansionUnterminatedSubstitution, "syntax error: missing '}'");

    public static ExpansionError UnsupportedModifier(string modifier) =>
        new(DiagnosticCodes.ExpansionUnsupportedModifier, "unsupported modifier (" + modifier + ") in substitution");

    public static ExpansionError WordTooLong() =>
        new(DiagnosticCodes.ExpansionWordTooLong, $"the expanded word is longer than kiln's limit of {FrontendLimits.MaxExpandedWordLength / (1024 * 1024)} Mi characters");
}
