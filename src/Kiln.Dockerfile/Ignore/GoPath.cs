using System.Buffers;

namespace Kiln.Dockerfile.Ignore;

/// <summary>
/// Go's <c>path/filepath</c> lexical helpers for Unix (separator <c>/</c>, no volume names), because
/// .dockerignore semantics are defined in terms of them: patterns are <c>Clean</c>ed and parent
/// directories come from <c>Dir</c>. Purely lexical: symlinks and the file system are never consulted.
/// See https://pkg.go.dev/path/filepath#Clean.
/// </summary>
internal static class GoPath
{
    private const int StackLimit = 256;

    /// <summary>
    /// <c>filepath.Clean</c>: collapse repeated slashes, drop <c>.</c> elements, resolve <c>..</c> against
    /// the preceding element (a rooted path cannot climb above <c>/</c>; a relative one keeps its leading
    /// <c>..</c>s), drop a trailing slash, and return <c>.</c> for an empty result.
    /// Returns the same instance when the path is already clean, so the common case does not allocate.
    /// </summary>
    public static string Clean(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (IsClean(path))
        {
            return path;
        }

        // Cleaning never lengthens a path, except that "" becomes "." (handled by IsClean's caller below).
        if (path.Length == 0)
        {
            return ".";
        }

        char[]? rented = null;
        Span<char> buffer = path.Length <= StackLimit
            ? stackalloc char[StackLimit]
            : (rented = ArrayPool<char>.Shared.Rent(path.Length));
        try
        {
            var length = CleanInto(path, buffer);
            return new string(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// <c>filepath.Dir</c>: everything before the last slash, cleaned; <c>.</c> when there is no slash.
    /// Note that the trailing slash of <c>a/b/</c> makes <c>a/b</c> its directory (the last element is empty).
    /// </summary>
    public static string Dir(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "." : Clean(path[..(slash + 1)]);
    }

    /// <summary>
    /// <see cref="Dir"/> as a span over <paramref name="path"/> when the result is a plain prefix of it
    /// (the common case of an already clean path), so matching a walk of 100,000 paths does not allocate
    /// a parent string per path; falls back to an allocated string otherwise.
    /// </summary>
    public static ReadOnlySpan<char> DirSpan(string path)
    {
        var slash = path.LastIndexOf('/');
        if (slash < 0)
        {
            return ".";
        }

        if (slash == 0)
        {
            return "/";
        }

        var withoutSlash = path.AsSpan(0, slash);
        return IsClean(withoutSlash) ? withoutSlash : Clean(path[..(slash + 1)]);
    }

    /// <summary>
    /// True when <c>Clean(path) == path</c>. A clean path is non-empty, has no empty element (no <c>//</c>,
    /// no trailing slash) except the root itself, has no <c>.</c> element unless it is exactly <c>.</c>,
    /// and has <c>..</c> elements only as a leading run of a relative path.
    /// </summary>
    public static bool IsClean(ReadOnlySpan<char> path)
    {
        if (path.Length == 0)
        {
            return false;
        }

        if (path.Length == 1)
        {
            // "/", "." and any single ordinary character are clean.
            return true;
        }

        var rooted = path[0] == '/';
        var start = rooted ? 1 : 0;
        var leadingDotDots = !rooted;
        while (start <= path.Length)
        {
            var rest = path[start..];
            var slash = rest.IndexOf('/');
            var element = slash < 0 ? rest : rest[..slash];
            if (element.Length == 0)
            {
                // "//", a trailing "/", or (rooted) "/" followed by "/".
                return false;
            }

            if (element is ".")
            {
                return false;
            }

            if (element is "..")
            {
                if (!leadingDotDots)
                {
                    return false;
                }
            }
            else
            {
                leadingDotDots = false;
            }

            if (slash < 0)
            {
                return true;
            }

            start += slash + 1;
        }

        return true;
    }

    /// <summary>
    /// The lexical algorithm of Pike's "Lexical File Names in Plan 9", writing into <paramref name="output"/>
    /// (at least as long as <paramref name="path"/>) and returning the cleaned length (0 means ".").
    /// </summary>
    private static int CleanInto(ReadOnlySpan<char> path, Span<char> output)
    {
        var n = path.Length;
        var rooted = n > 0 && path[0] == '/';
        var read = 0;
        var write = 0;

        // The position in the output that ".." may not back up past: after the root, or after the
        // last ".." that could not be resolved in a relative path.
        var floor = 0;
        if (rooted)
        {
            output[write++] = '/';
            read = 1;
            floor = 1;
        }

        while (read < n)
        {
            if (path[read] == '/')
            {
                read++;
            }
            else if (path[read] == '.' && (read + 1 == n || path[read + 1] == '/'))
            {
                read++;
            }
            else if (path[read] == '.' && path[read + 1] == '.' && (read + 2 == n || path[read + 2] == '/'))
            {
                read += 2;
                if (write > floor)
                {
                    // Back up over the previous element and the slash before it.
                    write--;
                    while (write > floor && output[write] != '/')
                    {
                        write--;
                    }
                }
                else if (!rooted)
                {
                    // Nothing left to cancel: a relative path keeps the "..".
                    if (write > 0)
                    {
                        output[write++] = '/';
                    }

                    output[write++] = '.';
                    output[write++] = '.';
                    floor = write;
                }
            }
            else
            {
                if ((rooted && write != 1) || (!rooted && write != 0))
                {
                    output[write++] = '/';
                }

                while (read < n && path[read] != '/')
                {
                    output[write++] = path[read++];
                }
            }
        }

        if (write == 0)
        {
            output[write++] = '.';
        }

        return write;
    }
}
