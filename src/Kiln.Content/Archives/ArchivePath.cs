namespace Kiln.Content.Archives;

/// <summary>
/// Names inside an archive, handled lexically: Kiln never extracts an image archive to disk, so a member name
/// and every path that manifest.json or a link points at is only a key into the archive's own members. A name
/// that is absolute, contains NUL or climbs above the archive's top with <c>..</c> points outside the archive
/// and is refused, whatever the file system would make of it.
/// </summary>
internal static class ArchivePath
{
    /// <summary>The clean form (<c>a/b</c>: no <c>./</c>, no empty or <c>.</c> parts), or null if it leaves the archive.</summary>
    public static string? Normalize(string name)
    {
        if (string.IsNullOrEmpty(name) || name[0] == '/' || name.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (parts.Count == 0)
                    {
                        return null;
                    }

                    parts.RemoveAt(parts.Count - 1);
                    break;
                default:
                    parts.Add(part);
                    break;
            }
        }

        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    /// <summary>
    /// Where a link member points, as a member name: a symlink's target is relative to the link's directory, a
    /// hard link's to the archive's top (tar's rule). Null if the target leaves the archive or is absolute.
    /// </summary>
    public static string? ResolveLink(string member, string target, bool symbolic)
    {
        if (string.IsNullOrEmpty(target) || target[0] == '/')
        {
            return null;
        }

        if (!symbolic)
        {
            return Normalize(target);
        }

        var slash = member.LastIndexOf('/');
        return Normalize(slash < 0 ? target : $"{member[..slash]}/{target}");
    }
}
