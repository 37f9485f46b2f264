using System.Collections.Immutable;
using System.Text;

namespace Kiln.Dockerfile.Expansion;

/// <summary>
/// BuildKit's word splitting, done while lexing: unquoted literal white space and white space
/// produced by an unquoted <c>$</c> expansion end a word; escaped characters and quoted pieces
/// never do. A word is only emitted when it has at least one character, so <c>""</c> and an
/// empty expansion produce no word (unlike a real shell).
/// </summary>
internal sealed class WordSplitter
{
    private readonly StringBuilder current = new();
    private readonly ImmutableArray<string>.Builder words = ImmutableArray.CreateBuilder<string>();

    /// <summary>An unquoted, unescaped character of the word itself.</summary>
    public void AddUnquoted(int rune)
    {
        if (RuneText.IsSpace(rune))
        {
            Flush();
        }
        else
        {
            RuneText.Append(current, rune);
        }
    }

    /// <summary>An escaped character (or a kept escape token): never splits.</summary>
    public void AddLiteral(int rune) => RuneText.Append(current, rune);

    /// <summary>The value of an unquoted <c>$</c> expansion: split on its white space.</summary>
    public void AddExpansion(string value)
    {
        for (var i = 0; i < value.Length;)
        {
            AddUnquoted(RuneText.RuneAt(value, i, out var width));
            i += width;
        }
    }

    /// <summary>The content of a quoted string (expansions inside it included): never splits.</summary>
    public void AddQuoted(string value) => current.Append(value);

    public ImmutableArray<string> Finish()
    {
        Flush();
        return words.ToImmutable();
    }

    private void Flush()
    {
        if (current.Length > 0)
        {
            words.Add(current.ToString());
            current.Clear();
        }
    }
}
