using System.Collections.Immutable;

namespace Kiln.Content.Paths;

/// <summary>
/// The one audited way to turn a path from a user, an image or an archive into a location inside a root.
/// </summary>
/// <remarks>
/// Two steps. <see cref="TryClean"/> is lexical: separators collapsed, "." dropped, ".." applied, a leading "/"
/// meaning the root. Then <see cref="RootDirectory.Resolve"/> walks the physical tree component by component with
/// openat(O_NOFOLLOW) and resolves every symlink itself, inside the root: an absolute target restarts at the root,
/// ".." never climbs above it, at most <see cref="MaxSymlinks"/> links are followed (ELOOP after that).
/// </remarks>
public static class SecureJoin
{
    /// <summary>Linux's MAXSYMLINKS (fs/namei.c): the same bound the kernel applies to one path walk.</summary>
    public const int MaxSymlinks = 40;

    /// <summary>
    /// Resolves <paramref name="path"/> inside <paramref name="root"/>, following symlinks (the final one too) as if
    /// <paramref name="root"/> were "/". Components that do not exist are appended lexically. The result is an
    /// absolute host path that is <paramref name="root"/> or below it.
    /// </summary>
    /// <remarks>
    /// A string result is only as good as the moment it was computed: if something else can rename or replace
    /// directories under the root concurrently, use the descriptor-based <see cref="RootDirectory"/> (as
    /// <c>LayerExtractor</c> does) instead of opening this path.
    /// </remarks>
    public static string Join(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new UnsafePathException("path contains a NUL byte");
        }

        using var directory = RootDirectory.Open(root);
        // ".." above the root is clamped here (chroot semantics), so a user path is always contained.
        using var location = directory.Resolve(path.Split('/'), followFinal: true, createParents: false);
        return location.Components.Length == 0
            ? directory.Path
            : System.IO.Path.Join(directory.Path, string.Join('/', location.Components));
    }

    /// <summary>
    /// Lexically cleans a relative or absolute path into components. Returns false when ".." would climb above the
    /// root, which for an archive entry means a hostile name (refused, not clamped).
    /// </summary>
    public static bool TryClean(string path, out ImmutableArray<string> components)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new UnsafePathException("path contains a NUL byte");
        }

        var builder = ImmutableArray.CreateBuilder<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (builder.Count == 0)
                {
                    components = default;
                    return false;
                }

                builder.RemoveAt(builder.Count - 1);
                continue;
            }

            builder.Add(part);
        }

        components = builder.ToImmutable();
        return true;
    }
}
