namespace Kiln.Dockerfile.Syntax;

/// <summary>How BuildKit's <c>parseJSON</c> ends for an instruction's rest of line.</summary>
internal enum JsonArrayOutcome
{
    /// <summary>A JSON array of strings: the exec form.</summary>
    StringArray,

    /// <summary>Not JSON (or not an array): the instruction falls back to its shell form.</summary>
    NotJson,

    /// <summary>Valid JSON array with a non-string element: a hard error, no fallback.</summary>
    NotStringArray,
}
