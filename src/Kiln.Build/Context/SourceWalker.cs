using Kiln.Content.Paths;
using Kiln.Dockerfile.Ignore;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Build.Context;

/// <summary>
/// Walks the contents of a selected source directory depth-first in ordinal name order, never following a symlink
/// (a symlink is an entry, copied as a symlink), and skipping what .dockerignore hides (paths from the source root)
/// and what COPY --exclude leaves out (paths from the selected directory, as fsutil's copy matches them). A
/// directory that is hidden but holds re-included ("!") entries is reported only once something below it is, the
/// way the context transfer and fsutil's copy create such parents.
/// </summary>
internal static class SourceWalker
{
    public static async Task WalkAsync(
        RootDirectory root, CopySourceRoot source, SelectedSource directory, ISourceVisitor visitor, CancellationToken cancellationToken, PatternMatcher? exclude = null, ParentsSource? parents = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(visitor);
        var physical = directory.PhysicalPath;
        var info = source.Ignore is { } ignore && physical.Length > 0 ? ignore.MatchesUsingParentResults(physical, default) : default;
        using var handle = root.OpenDirectory(directory.Physical);
        var filters = new Filters(source.Ignore, exclude, parents);
        await WalkDirectoryAsync(filters, handle, physical, string.Empty, (info, default, default), [], visitor, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WalkDirectoryAsync(
        Filters filters,
        SafeFileHandle directory,
        string physical,
        string relative,
        (PatternMatchInfo Ignore, PatternMatchInfo Exclude, PatternMatchInfo Include) info,
        List<SourceEntry> pending,
        ISourceVisitor visitor,
        CancellationToken cancellationToken)
    {
        // The listing first, each name with its stat and ignore result, so that the directory's files reach the
        // visitor together (PrepareFilesAsync) before they are visited one by one.
        var children = new List<(SourceEntry Entry, (PatternMatchInfo, PatternMatchInfo, PatternMatchInfo) Info, bool Ignored)>();
        var files = new List<SourceEntry>();
        foreach (var name in DirectoryListing.List(directory, physical))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (FileStat.Of(directory, name) is not { } stat)
            {
                continue; // removed while we walked
            }

            var childPhysical = physical.Length == 0 ? name : physical + "/" + name;
            var childRelative = relative.Length == 0 ? name : relative + "/" + name;
            var ignoreInfo = filters.Ignore?.MatchesUsingParentResults(childPhysical, info.Ignore) ?? default;
            var excludeInfo = filters.Exclude?.MatchesUsingParentResults(childRelative, info.Exclude) ?? default;
            var includeInfo = filters.Include?.MatchesUsingParentResults(childRelative, info.Include) ?? default;
            var left = filters.Include is not null && !includeInfo.IsMatched;
            var ignored = ignoreInfo.IsMatched || excludeInfo.IsMatched || left;
            if (ignored && !(stat.IsDirectory && filters.MayHoldShown(childRelative, ignoreInfo.IsMatched, excludeInfo.IsMatched, left)))
            {
                continue;
            }

            var childInfo = (ignoreInfo, excludeInfo, includeInfo);

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
                await WalkDirectoryAsync(filters, child, entry.PhysicalPath, entry.RelativePath, childInfo, pending, visitor, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// .dockerignore (over paths from the source root), --exclude (over paths from the selected directory) and the
    /// pattern of a --parents source (what to keep, over paths from its pivot).
    /// </summary>
    private sealed record Filters(PatternMatcher? Ignore, PatternMatcher? Exclude, ParentsSource? Parents)
    {
        public PatternMatcher? Include => Parents?.Include;

        /// <summary>
        /// Whether a hidden directory may still hold an entry that is shown: one a "!" pattern of each hiding matcher
        /// brings back, below a path the --parents pattern may still match.
        /// </summary>
        public bool MayHoldShown(string directory, bool ignored, bool excluded, bool left) =>
            (!ignored || Ignore!.HasExclusions) && (!excluded || Exclude!.HasExclusions) && (!left || Parents!.MayHold(directory));
    }
}
