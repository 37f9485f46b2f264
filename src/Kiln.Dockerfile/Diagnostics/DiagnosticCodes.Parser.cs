namespace Kiln.Dockerfile.Diagnostics;

public static partial class DiagnosticCodes
{
    /// <summary>Warning: a blank line inside a line continuation (BuildKit's no-empty-continuation rule).</summary>
    public const string EmptyContinuationLine = "DF1001";

    /// <summary>The file holds no instruction at all (empty, or only comments and directives).</summary>
    public const string NoInstructions = "DF1002";

    /// <summary>A physical line of 65536 bytes or more (BuildKit's scanner limit); parsing stops there.</summary>
    public const string LineTooLong = "DF1003";

    /// <summary>The same parser directive (<c>syntax</c>, <c>escape</c>, <c>check</c>) appears twice.</summary>
    public const string DuplicateDirective = "DF1004";

    /// <summary>The <c># escape=</c> directive names something other than <c>\</c> or <c>`</c>.</summary>
    public const string InvalidEscapeToken = "DF1005";

    /// <summary>An exec-form JSON array holds a non-string element (a nested array, a number, ...).</summary>
    public const string JsonNotStringArray = "DF1006";

    /// <summary>ENV or LABEL in the legacy <c>KEY name value</c> form has a name but no value.</summary>
    public const string MissingKeyValue = "DF1007";

    /// <summary>ENV or LABEL mixes <c>name=value</c> pairs with a word that has no <c>=</c>.</summary>
    public const string KeyValueSyntax = "DF1008";

    /// <summary>A heredoc body reaches the end of the file without its terminator line.</summary>
    public const string UnterminatedHeredoc = "DF1009";

    /// <summary>A heredoc marker whose delimiter word cannot be lexed (an unterminated quote, a bad <c>${}</c>).</summary>
    public const string InvalidHeredoc = "DF1010";

    /// <summary>The Dockerfile is larger than <see cref="FrontendLimits.MaxDockerfileBytes"/>; it is not parsed.</summary>
    public const string DockerfileTooLarge = "DF1011";
}
