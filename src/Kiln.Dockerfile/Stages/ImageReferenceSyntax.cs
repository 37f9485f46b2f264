using System.Text.RegularExpressions;

namespace Kiln.Dockerfile.Stages;

/// <summary>
/// The grammar of an image reference (distribution/reference): <c>[host[:port]/]path[:tag][@digest]</c>,
/// path components lower-case. Only a syntax check, so that <c>FROM Ubuntu</c> fails at check time as
/// it would at build time; parsing references into parts belongs to the image side.
/// </summary>
internal static partial class ImageReferenceSyntax
{
    public static bool IsValid(string reference) => reference.Length <= 255 + 128 + 80 && Pattern().IsMatch(reference);

    [GeneratedRegex(
        @"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?"
        + @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
        + @"(?::[\w][\w.-]{0,127})?"
        + @"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
