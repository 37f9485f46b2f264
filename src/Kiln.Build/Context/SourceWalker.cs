using Kiln.Content.Paths;
using Kiln.Dockerfile.Ignore;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Build.Context;

/// <summary>
/// Walks the contents of a selected source directory depth-first in ordinal name order, never following a symlink
/// (a symlink is an entry, copied as a symlink), and skipping what .dockerignore hides. A directory that is ignored
/// but holds re-included ("!") entries is reported only once something below it is, the way the context transfer
/// sends such parents.
/// </summary>
internal static class SourceWalker
{
    public static async Task WalkAsync(RootDirectory root, CopySourceRoot source, SelectedSource directory, ISourceVisitor visitor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(visitor);
        var physical = directory.PhysicalPath;
        var info = source.Ignore is { } ignore && physical.Length > 0 ? ignore.MatchesUsingParentResults(physical, default) : default;
        using var handle = root.OpenDirectory(directory.Physical);
        await WalkDirectoryAsync(source.Ignore, handle, physical, string.Empty, info, [], visitor, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WalkDirectoryAsync(
        PatternMatcher? ignore,
        SafeFileHandle directory,
        string physical,
        string relative,
        PatternMatchInfo info,
        List<SourceEntry> pending,
        ISourceVisitor visitor,
        CancellationToken cancellationToken)
    {
        // The listing first, each name with its stat and ignore result, so that the directory's files reach the
        // visitor together (PrepareFilesAsync) before they are visited one by one.
        var children = new List<(SourceEntry Entry, PatternMatchInfo Info, bool Ignored)>();
        var files = new List<SourceEntry>();
        foreach (var name in DirectoryListing.List(directory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (FileStat.Of(directory, name) is not { } stat)
            {
                continue; // removed while we walked
            }

            var childPhysical = physical.Length == 0 ? name : physical + "/" + name;
            var childRelative = relative.Length == 0 ? name : relative + "/" + name;
            var childInfo = default(PatternMatchInfo);
            var ignored = false;
            if (ignore is not null)
            {
                childInfo = ignore.MatchesUsingParentResults(childPhysical, info);
                ignored = childInfo.IsMatched;
                if (ignored && !(stat.IsDirectory && ignore.HasExclusions))
                {
                    continue;
                }
            }

            var linkTarget = stat.IsSymbolicLink ? RootDirectory.ReadLink(directory, name, "/" + childPhysical) : null;
            var entry = new SourceEntry(childRelative, name, stat, directory, childPhysical, linkTarget);
            children.Add((entry, childInfo, ignored));
            if (!stat.IsDirectory)
            {
                files.Add(entry);
            }
        }

        if (files.Count > 0)
        {
            await FlushAsync(pending, visitor, cancellationToken).ConfigureAwait(false);
            await visitor.PrepareFilesAsync(files, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (entry, childInfo, ignored) in children)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!entry.Stat.IsDirectory)
            {
                await visitor.VisitAsync(entry, cancellationToken).ConfigureAwait(false);
                continue;
            }

            pending.Add(entry);
            if (!ignored)
            {
                await FlushAsync(pending, visitor, cancellationToken).ConfigureAwait(false);
            }

            using (var child = DirectoryListing.OpenChild(directory, entry.Name, entry.PhysicalPath))
            {
                await WalkDirectoryAsync(ignore, child, entry.PhysicalPath, entry.RelativePath, childInfo, pending, visitor, cancellationToken).ConfigureAwait(false);
            }

            if (pending.Count > 0 && ReferenceEquals(pending[^1], entry))
            {
                pending.RemoveAt(pending.Count - 1); // ignored and nothing re-included below: never reported
            }
            else
            {
                await visitor.LeaveDirectoryAsync(entry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async ValueTask FlushAsync(List<SourceEntry> pending, ISourceVisitor visitor, CancellationToken cancellationToken)
    {
        foreach (var entry in pending)
        {
            await visitor.EnterDirectoryAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        pending.Clear();
    }
}
