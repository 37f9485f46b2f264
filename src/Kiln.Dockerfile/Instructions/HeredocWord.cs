using System.Text;
using System.Text.RegularExpressions;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// Recognises a heredoc marker word among COPY/ADD arguments (BuildKit's <c>MustParseHeredoc</c>):
/// <c>[n]&lt;&lt;[-]NAME</c> where NAME is one shell word; quotes are removed from the name.
/// </summary>
internal static partial class HeredocWord
{
    public static bool TryParse(string word, out string name, out bool chomp)
    {
        name = "";
        chomp = false;
        var match = Marker().Match(word);
        if (!match.Success || match.Groups[3].Value.Length == 0)
        {
            return false;
        }

        chomp = match.Groups[2].Value.Length > 0;
        var text = match.Groups[3].Value;
        var builder = new StringBuilder();
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else if (c == '\\' && quote == '"' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$')
                {
                    builder.Append(text[++i]);
                }
                else
                {
                    builder.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                builder.Append(text[++i]);
            }
            else if (char.IsWhiteSpace(c))
            {
                // More than one word after <<: not a heredoc marker.
                return false;
            }
            else
            {
                builder.Append(c);
            }
        }

        if (quote is not null)
        {
            return false;
        }

        name = builder.ToString();
        return name.Length > 0;
    }

    /// <summary>Removes leading tabs from every line, as <c>&lt;&lt;-</c> asks (BuildKit's <c>ChompHeredocContent</c>).</summary>
    public static string Chomp(string content) => LeadingTabs().Replace(content, "");

    [GeneratedRegex(@"^(\d*)<<(-?)\s*([^<]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    [GeneratedRegex(@"(?m)^\t+", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingTabs();
}
