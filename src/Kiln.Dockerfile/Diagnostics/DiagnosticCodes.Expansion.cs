namespace Kiln.Dockerfile.Diagnostics;

public static partial class DiagnosticCodes
{
    /// <summary>A single- or double-quoted string in a word is never closed.</summary>
    public const string ExpansionUnterminatedQuote = "DF2001";

    /// <summary>A <c>${...}</c> substitution is never closed (missing <c>}</c>, or the second <c>/</c> of <c>${v/p/r}</c>).</summary>
    public const string ExpansionUnterminatedSubstitution = "DF2002";

    /// <summary>A <c>${...}</c> substitution has no valid name: <c>${}</c>, <c>${{x}</c>, <c>${:x}</c>.</summary>
    public const string ExpansionBadSubstitution = "DF2003";

    /// <summary>A <c>${name...}</c> modifier BuildKit does not support (<c>=</c>, <c>:=</c>, <c>:#</c>, <c>:%</c>, <c>${.}</c>...).</summary>
    public const string ExpansionUnsupportedModifier = "DF2004";

    /// <summary>A <c>${name?msg}</c> / <c>${name:?msg}</c> variable is unset (or empty); the message is the user's.</summary>
    public const string ExpansionRequiredVariable = "DF2005";

    /// <summary>The pattern of <c>#</c>, <c>%</c> or <c>/</c> has an escape other than <c>\*</c>, <c>\?</c>, <c>\\</c>, <c>\}</c>, <c>\/</c>.</summary>
    public const string ExpansionInvalidPattern = "DF2006";

    /// <summary>Substitutions are nested deeper than the expander is willing to recurse.</summary>
    public const string ExpansionTooDeeplyNested = "DF2007";

    /// <summary>An expansion makes a word longer than <see cref="FrontendLimits.MaxExpandedWordLength"/>.</summary>
    public const string ExpansionWordTooLong = "DF2008";

    /// <summary>The expansions of one Dockerfile together do more than <see cref="FrontendLimits.MaxExpansionWork"/>.</summary>
    public const string ExpansionBudgetExceeded = "DF2009";
}
