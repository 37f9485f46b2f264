using System.Collections.Immutable;

namespace Kiln.Dockerfile.Expansion;

/// <summary>
/// Shell-word expansion exactly as BuildKit's <c>shell.Lex</c> does it: variables and their
/// modifiers, quote removal, escapes, and (for <see cref="ExpandWords"/>) word splitting.
/// </summary>
public sealed class ShellWordExpander(char escapeToken = '\\')
{
    public char EscapeToken { get; } = escapeToken;

    /// <summary>BuildKit's <c>ProcessWord</c>: expand and unquote into one string.</summary>
    public WordExpansion ExpandWord(string word, IReadOnlyDictionary<string, string> environment) =>
        throw new NotImplementedException("expander: being written");

    /// <summary>BuildKit's <c>ProcessWords</c>: expand, then split on unquoted white space.</summary>
    public WordsExpansion ExpandWords(string word, IReadOnlyDictionary<string, string> environment) =>
        throw new NotImplementedException("expander: being written");
}
