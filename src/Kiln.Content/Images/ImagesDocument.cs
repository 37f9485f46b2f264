using System.Collections.Immutable;

namespace Kiln.Content.Images;

/// <summary>
/// The whole of <c>images.json</c>: names (normalised references) to entries. Versioned so a later layout can
/// refuse, rather than misread, an older or newer file.
/// </summary>
internal sealed record ImagesDocument(int Version, ImmutableSortedDictionary<string, ImageEntry> Images)
{
    public const int CurrentVersion = 1;

    public static ImagesDocument Empty { get; } = new(CurrentVersion, ImmutableSortedDictionary.Create<string, ImageEntry>(StringComparer.Ordinal));
}
