namespace Kiln.Dockerfile.Ignore;

/// <summary>
/// Reads code points from UTF-16 the way Go reads runes from UTF-8: <c>?</c> and <c>[...]</c> consume a whole
/// code point (a surrogate pair is one rune). A lone surrogate, which no valid UTF-8 could have produced,
/// is read as a rune of its own value so that it still compares consistently on both sides.
/// </summary>
internal static class GoRunes
{
    public static int Read(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, text[index + 1]);
        }

        width = 1;
        return c;
    }
}
