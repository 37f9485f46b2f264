using System.Collections.Immutable;
using Kiln.Build.Copy;
using Kiln.Content.Paths;
using Kiln.Dockerfile.Ignore;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Build.Context;

/// <summary>
/// Turns one COPY source into the paths it selects, as BuildKit's file op does (fsutil's ResolveWildcards, then
/// FollowSymlinks on each match):
/// the path is split at the first component with a wildcard; the part before it is resolved (symlinks followed inside
/// the root) and must be a directory; below it, entries whose relative path matches the rest with Go's
/// <c>filepath.Match</c> are selected in lexical order, without descending through symlinks. A wildcard matching
/// nothing selects nothing (BuildKit sets AllowEmptyWildcard for Dockerfiles). A plain path that does not exist, or
/// that .dockerignore hides, is an error naming it.
/// </summary>
internal static class SourceSelector
{
    public static List<SelectedSource> Select(RootDirectory root, CopySourceRoot source, string text)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || !SecureJoin.TryClean(text, out var components))
        {
            // Docker's classic builder wording; BuildKit would silently clamp ".." at the root, which hides mistakes.
            throw new CopyException($"forbidden path outside the {source.Description}: {text}");
        }

        var wildcard = -1;
        for (var i = 0; i < components.Length; i++)
        {
            if (GoFilepathMatch.ContainsWildcards(components[i]))
            {
                wildcard = i;
                break;
            }
        }

        if (wildcard < 0)
        {
            return [Resolve(root, source, components, text) ?? throw NotFound(text, components)];
        }

        var prefix = components[..wildcard];
        var pattern = components[wildcard..];
        using var baseLocation = root.Resolve(prefix, followFinal: true, createParents: false);
        var baseStat = StatLocation(root, baseLocation);
        if (baseStat is not { IsDirectory: true } || !IsVisible(root, source, baseLocation.Components, baseStat.Value))
        {
            // fsutil walks the directory before the wildcard and fails when it is missing (lstat ...: no such file).
            throw NotFound(text, prefix);
        }

        var matches = new List<ImmutableArray<string>>();
        using (var directory = root.OpenDirectory(baseLocation.Components))
        {
            Expand(source, directory, baseLocation.Components, prefix, pattern, 0, matches);
        }

        var selected = new List<SelectedSource>(matches.Count);
        foreach (var match in matches)
        {
            // A matched symlink is followed like a plain source; one that dangles (or leaves nothing visible) is an error.
            selected.Add(Resolve(root, source, match, text) ?? throw NotFound(text, match));
        }

        return selected;
    }

    /// <summary>Whether an entry is visible (not hidden by .dockerignore) at <paramref name="physical"/>.</summary>
    internal static bool IsVisible(RootDirectory root, CopySourceRoot source, ImmutableArray<string> physical, FileStat stat)
    {
        if (source.Ignore is not { } ignore || physical.Length == 0)
        {
            return true;
        }

        var path = string.Join('/', physical);
        if (!ignore.MatchesOrParentMatches(path))
        {
            return true;
        }

        if (!stat.IsDirectory || !ignore.HasExclusions)
        {
            return false;
        }

        // An ignored directory still reaches the builder when a "!" pattern re-includes something below it.
        using var directory = root.OpenDirectory(physical);
        return AnyVisibleBelow(ignore, directory, path, ignore.MatchesUsingParentResults(path, default));
    }

    private static bool AnyVisibleBelow(PatternMatcher ignore, SafeFileHandle directory, string path, PatternMatchInfo info)
    {
        foreach (var name in DirectoryListing.List(directory, path))
        {
            var childPath = path + "/" + name;
            var childInfo = ignore.MatchesUsingParentResults(childPath, info);
            if (!childInfo.IsMatched)
            {
                return true;
            }

            if (FileStat.Of(directory, name) is { IsDirectory: true })
            {
                using var child = DirectoryListing.OpenChild(directory, name, childPath);
                if (AnyVisibleBelow(ignore, child, childPath, childInfo))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void Expand(
        CopySourceRoot source,
        SafeFileHandle directory,
        ImmutableArray<string> physical,
        ImmutableArray<string> lexical,
        ImmutableArray<string> pattern,
        int depth,
        List<ImmutableArray<string>> matches)
    {
        var last = depth == pattern.Length - 1;
        foreach (var name in DirectoryListing.List(directory, string.Join('/', physical)))
        {
            if (!GoFilepathMatch.IsMatch(pattern[depth], name))
            {
                continue;
            }

            if (FileStat.Of(directory, name) is not { } stat)
            {
                continue;
            }

            var childPhysical = physical.Add(name);
            if (source.Ignore is { } ignore && ignore.MatchesOrParentMatches(string.Join('/', childPhysical))
                && !(stat.IsDirectory && ignore.HasExclusions && AnyVisibleBelow(ignore, directory, name, childPhysical)))
            {
                continue;
            }

            if (last)
            {
                matches.Add(lexical.Add(name));
            }
            else if (stat.IsDirectory)
            {
                using var child = DirectoryListing.OpenChild(directory, name, string.Join('/', childPhysical));
                Expand(source, child, childPhysical, lexical.Add(name), pattern, depth + 1, matches);
            }
        }
    }

    private static bool AnyVisibleBelow(PatternMatcher ignore, SafeFileHandle parent, string name, ImmutableArray<string> physical)
    {
        var path = string.Join('/', physical);
        using var child = DirectoryListing.OpenChild(parent, name, path);
        return AnyVisibleBelow(ignore, child, path, ignore.MatchesUsingParentResults(path, default));
    }

    private static SelectedSource? Resolve(RootDirectory root, CopySourceRoot source, ImmutableArray<string> lexical, string text)
    {
        using var location = root.Resolve(lexical, followFinal: true, createParents: false);
        if (StatLocation(root, location) is not { } stat)
        {
            return null;
        }

        // Both the name as written and what it resolved to must be part of the context.
        if (!IsVisible(root, source, location.Components, stat)
            || (source.Ignore is { } ignore && lexical.Length > 0 && !lexical.SequenceEqual(location.Components)
                && ignore.MatchesOrParentMatches(string.Join('/', lexical))))
        {
            return null;
        }

        return new SelectedSource(text, lexical.Length > 0 ? lexical[^1] : string.Empty, location.Components, stat);
    }

    private static FileStat? StatLocation(RootDirectory root, ResolvedLocation location)
    {
        if (location.IsRoot)
        {
            return FileStat.OfHandle(root.Handle);
        }

        return location.Parent is null ? null : FileStat.Of(location.Parent, location.Name);
    }

    private static CopyException NotFound(string text, ImmutableArray<string> cleaned) =>
        new($"\"/{string.Join('/', cleaned)}\": not found{(text.TrimStart('/') != string.Join('/', cleaned) ? $" (source \"{text}\")" : string.Empty)}");
}
