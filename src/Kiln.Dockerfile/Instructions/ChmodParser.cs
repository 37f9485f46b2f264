using System.Globalization;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// Validates <c>--chmod</c> as BuildKit does: an octal number up to <c>07777</c>, else a symbolic mode in
/// BSD <c>setmode(3)</c> grammar: comma-separated clauses <c>[ugoa]*([-+=]([rwxXst]*|[ugo]))+</c>.
/// A value that looks numeric but is not octal (<c>999</c>) gets BuildKit's octal message.
/// </summary>
internal static class ChmodParser
{
    public static bool TryParse(string text, out Chmod? chmod, out string? error)
    {
        chmod = null;
        error = null;
        var octalError = $"invalid chmod parameter: '{text}'. it should be octal string and between 0 and 07777";
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            if (text.Any(c => c is '8' or '9') || !TryParseOctal(text, out var mode) || mode > 0x0FFF)
            {
                error = octalError;
                return false;
            }

            chmod = new Chmod(text, mode);
            return true;
        }

        if (text.Length == 0)
        {
            error = octalError;
            return false;
        }

        foreach (var clause in text.Split(','))
        {
            var problem = CheckClause(clause);
            if (problem is not null)
            {
                error = $"invalid chmod parameter: '{text}': {problem}; use octal (0755) or symbolic clauses like u+x,go-w or a=rX";
                return false;
            }
        }

        chmod = new Chmod(text, null);
        return true;
    }

    private static bool TryParseOctal(string text, out int mode)
    {
        mode = 0;
        foreach (var c in text)
        {
            mode = (mode * 8) + (c - '0');
            if (mode > 0x7FFF_FFF)
            {
                return false;
            }
        }

        return true;
    }

    private static string? CheckClause(string clause)
    {
        var i = 0;
        while (i < clause.Length && clause[i] is 'u' or 'g' or 'o' or 'a')
        {
            i++;
        }

        if (i == clause.Length)
        {
            return clause.Length == 0 ? "empty clause" : $"clause '{clause}' has no operator (+, - or =)";
        }

        while (i < clause.Length)
        {
            if (clause[i] is not ('+' or '-' or '='))
            {
                return $"unexpected '{clause[i].ToString(CultureInfo.InvariantCulture)}' in '{clause}' (expected +, - or =)";
            }

            i++;
            if (i < clause.Length && clause[i] is 'u' or 'g' or 'o')
            {
                // Copying another class's bits takes exactly one class letter.
                i++;
                continue;
            }

            while (i < clause.Length && clause[i] is 'r' or 'w' or 'x' or 'X' or 's' or 't')
            {
                i++;
            }

            if (i < clause.Length && clause[i] is not ('+' or '-' or '='))
            {
                return $"invalid permission '{clause[i].ToString(CultureInfo.InvariantCulture)}' in '{clause}' (expected r, w, x, X, s, t, u, g or o)";
            }
        }

        return null;
    }
}
