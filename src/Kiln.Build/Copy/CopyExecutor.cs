using System.Collections.Immutable;
using System.Text;
using Kiln.Build.Context;
using Kiln.Content.Paths;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Copy;

/// <summary>
/// Runs a COPY or ADD: selects the sources in a source root (the context, a stage, an image) and writes them into a
/// target root (the stage's mountpoint), with Docker's semantics as BuildKit implements them
/// (dockerfile2llb's copy options: FollowSymlinks, CopyDirContentsOnly, CreateDestPath, AllowWildcard,
/// AllowEmptyWildcard; then fsutil's copy).
/// </summary>
public static class CopyExecutor
{
    public static async Task<CopyResult> ExecuteAsync(CopyRequest request, CopySourceRoot source, string targetRoot, CopyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(targetRoot);
        ArgumentNullException.ThrowIfNull(options);
        request.EnsureSupported();

        using var sourceRoot = RootDirectory.Open(source.Path);
        using var target = RootDirectory.Open(targetRoot);
        var owner = request.Chown is { } chown ? OwnerResolver.Resolve(chown, target) : (CopyOwner?)null;
        var selections = Select(request, sourceRoot, source);
        var exclude = request.ExcludeMatcher();
        var (destination, destinationIsDirectory) = request.ResolveDestination();
        var writer = new TargetWriter(target, options);
        foreach (var (selected, parents) in selections)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // BuildKit copies each source, and each match of a wildcard, with a copier of its own: hard links are kept
            // within one selected tree, never between two.
            var links = new Dictionary<(ulong Device, ulong Inode), ImmutableArray<string>>();
            if (request.IsAdd && request.Unpack != false && selected.Stat.IsRegularFile
                && await ArchiveUnpacker.TryUnpackAsync(sourceRoot, selected, writer, destination, owner, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            if (selected.Stat.IsDirectory)
            {
                // A directory source copies its contents; the destination directory itself is made like a missing parent.
                var itself = request.DirectoryItself && !destinationIsDirectory && IsMissing(target, destination);
                var physical = writer.EnsureDirectory(destination, owner);
                using (var directory = target.OpenDirectory(physical))
                using (var visitor = new CopyVisitor(writer, source, request.Chmod, owner, links, directory, physical))
                {
                    await SourceWalker.WalkAsync(sourceRoot, source, selected, visitor, cancellationToken, exclude, parents).ConfigureAwait(false);
                }

                if (itself && physical.Length > 0)
                {
                    // Its owner (unless --chown), mode and time, last, as for every directory the walk copies.
                    using var above = target.OpenDirectory(physical[..^1]);
                    var display = string.Join('/', physical);
                    writer.Chown(above, physical[^1], owner ?? (source.ResetOwnership ? new CopyOwner(0, 0) : new CopyOwner(selected.Stat.Uid, selected.Stat.Gid)), display);
                    TargetWriter.ChmodNoFollow(above, physical[^1], ModeApplier.Apply(request.Chmod, selected.Stat.Permissions, isDirectory: true), Kiln.Content.Native.LinuxFlags.SIfDir, display);
                    TargetWriter.SetTimes(above, physical[^1], writer.Timestamp ?? selected.Stat.Modified, display);
                }

                continue;
            }

            var (parent, name) = PlaceFile(writer, destination, destinationIsDirectory, selected.Name, owner);
            using (var directory = target.OpenDirectory(parent))
            using (var sourceParent = sourceRoot.OpenDirectory(selected.Physical[..^1]))
            using (var visitor = new CopyVisitor(writer, source, request.Chmod, owner, links, directory, parent))
            {
                var entry = new SourceEntry(selected.Name, selected.Physical[^1], selected.Stat, sourceParent, selected.PhysicalPath, null);
                await visitor.CopyAsync(entry, name, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var heredoc in request.Heredocs)
        {
            await WriteHeredocAsync(request, writer, heredoc, destination, destinationIsDirectory, owner, cancellationToken).ConfigureAwait(false);
        }

        return new CopyResult(writer.Entries, writer.Warnings);
    }

    /// <summary>
    /// Every source selected, in order. A wildcard that matches nothing contributes nothing (BuildKit's
    /// AllowEmptyWildcard); several sources (as written, or from one wildcard) need a directory destination: the
    /// classic builder's rule and message, kept because BuildKit instead overwrites the destination with each file.
    /// Several directories, whose contents BuildKit merges into the destination, lose nothing and are let through.
    /// </summary>
    internal static List<(SelectedSource Selected, ParentsSource? Parents)> Select(CopyRequest request, RootDirectory sourceRoot, CopySourceRoot source)
    {
        var selections = new List<(SelectedSource, ParentsSource?)>();
        foreach (var text in request.Sources)
        {
            selections.AddRange(SelectOne(request, sourceRoot, source, text));
        }

        var (_, isDirectory) = request.ResolveDestination();
        var written = request.Sources.Length + request.Heredocs.Length;
        var onlyDirectories = request.Heredocs.IsDefaultOrEmpty && selections.TrueForAll(s => s.Item1.Stat.IsDirectory);
        if (!isDirectory && (written > 1 || selections.Count + request.Heredocs.Length > 1) && !onlyDirectories)
        {
            throw new CopyException($"When using {request.Keyword} with more than one source file, the destination must be a directory and end with a /");
        }

        return selections;
    }

    /// <summary>
    /// What one source as written selects. With --parents, each pivot it selects (a directory, whose contents the
    /// pattern filters); a path without wildcards must exist even when the walk would find it.
    /// </summary>
    internal static IEnumerable<(SelectedSource Selected, ParentsSource? Parents)> SelectOne(CopyRequest request, RootDirectory sourceRoot, CopySourceRoot source, string text)
    {
        if (!request.Parents)
        {
            return SourceSelector.Select(sourceRoot, source, text).Select(s => (s, (ParentsSource?)null));
        }

        var parents = ParentsSource.Parse(text, source.Description);
        if (parents.RequiredPath is { } required)
        {
            SourceSelector.Select(sourceRoot, source, required);
        }

        var pivots = SourceSelector.Select(sourceRoot, source, parents.Pivot);
        var file = pivots.Find(p => !p.Stat.IsDirectory);
        return file is null
            ? pivots.Select(p => (p, (ParentsSource?)parents))
            : throw new CopyException($"COPY --parents {text}: /{file.PhysicalPath} is not a directory, so no path can follow it");
    }

    private static bool IsMissing(RootDirectory target, ImmutableArray<string> destination)
    {
        using var location = target.Resolve(destination, followFinal: true, createParents: false);
        return !location.IsRoot && (location.Parent is null || FileStat.Of(location.Parent, location.Name) is null);
    }

    /// <summary>
    /// Where a non-directory source goes: into the destination when it names a directory (trailing "/") or is an
    /// existing directory, else at the destination itself (symlinks followed inside the root, as fsutil's RootPath).
    /// </summary>
    private static (ImmutableArray<string> Parent, string Name) PlaceFile(
        TargetWriter writer, ImmutableArray<string> destination, bool destinationIsDirectory, string sourceName, CopyOwner? owner)
    {
        if (destinationIsDirectory)
        {
            return (writer.EnsureDirectory(destination, owner), sourceName);
        }

        ImmutableArray<string> resolved;
        using (var location = writer.Root.Resolve(destination, followFinal: true, createParents: false))
        {
            if (location.Parent is not null && FileStat.Of(location.Parent, location.Name) is { IsDirectory: true })
            {
                return (location.Components, sourceName);
            }

            resolved = location.Components;
        }

        return (writer.EnsureDirectory(resolved[..^1], owner), resolved[^1]);
    }

    private static async Task WriteHeredocAsync(
        CopyRequest request, TargetWriter writer, HeredocSource heredoc, ImmutableArray<string> destination, bool destinationIsDirectory, CopyOwner? owner, CancellationToken cancellationToken)
    {
        var name = heredoc.Path;
        if (name.Length == 0 || name == "." || name == ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new CopyException($"{request.Keyword}: heredoc name \"{name}\" is not a valid file name");
        }

        var (parent, fileName) = PlaceFile(writer, destination, destinationIsDirectory, name, owner);
        using var directory = writer.Root.OpenDirectory(parent);
        var display = string.Join('/', parent.Add(fileName));
        TargetWriter.Prepare(directory, fileName, wantDirectory: false, display);
        await using (var content = new MemoryStream(Encoding.UTF8.GetBytes(heredoc.Data), writable: false))
        {
            await writer.CreateFileAsync(directory, fileName, content, display, cancellationToken).ConfigureAwait(false);
        }

        // BuildKit makes the heredoc a 0644 file (llb.Mkfile) owned by root, then copies it with --chown/--chmod.
        writer.Chown(directory, fileName, owner ?? new CopyOwner(0, 0), display);
        TargetWriter.ChmodNoFollow(directory, fileName, ModeApplier.Apply(request.Chmod, 0x1A4, isDirectory: false), Kiln.Content.Native.LinuxFlags.SIfReg, display);
        TargetWriter.SetTimes(directory, fileName, writer.Timestamp ?? FileTime.Of(DateTimeOffset.UtcNow), display);
    }
}
