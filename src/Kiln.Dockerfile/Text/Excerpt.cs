using System.Globalization;

namespace Kiln.Dockerfile.Text;

/// <summary>
/// User text quoted in an error, cut to a width a terminal shows: a Dockerfile line or word can be 64 KiB, and an
/// error that echoes it whole buries what it says.
/// </summary>
public static class Excerpt
{
    /// <summary>The width a quoted word is cut to in a diagnostic's message.</summary>
    public const int WordWidth = 80;

    /// <summary>
    /// <paramref name="text"/> when it has at most <paramref name="width"/> characters; else its first
    /// <paramref name="width"/>, then an ellipsis and how long the whole is.
    /// </summary>
    public static string Cut(string text, int width = WordWidth)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        if (text.Length <= width)
        {
            return text;
        }

        // Never split a surrogate pair.
        var end = width > 0 && char.IsHighSurrogate(text[width - 1]) ? width - 1 : width;
        return text[..end] + "... (" + text.Length.ToString("N0", CultureInfo.InvariantCulture) + " characters)";
    }
}
