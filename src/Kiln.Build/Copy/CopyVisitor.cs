using System.Collections.Immutable;
using Kiln.Build.Context;
using Kiln.Content.Native;
using Kiln.Dockerfile.Instructions;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Build.Copy;

/// <summary>
/// Writes a walked source tree into a target directory with fsutil's copy semantics: directories merge into existing
/// ones (whose metadata is then overwritten), files and symlinks replace what is there, symlinks are copied as
/// symlinks, regular files linked to each other in the source stay hardlinked within one selected source (a COPY
/// source, or one match of its wildcard).
/// </summary>
internal sealed class CopyVisitor : ISourceVisitor, IDisposable
{
    private readonly TargetWriter _writer;
    private readonly CopySourceRoot _source;
    private readonly Chmod? _chmod;
    private readonly CopyOwner? _owner;
    private readonly Dictionary<(ulong Device, ulong Inode), ImmutableArray<string>> _links;
    private readonly Stack<(SafeFileHandle Handle, ImmutableArray<string> Physical, bool Owned)> _targets = new();

    /// <summary>
    /// Files <see cref="PrepareFilesAsync"/> has copied and that have not been visited yet (their visit skips them);
    /// a directory's entries stay here while its subdirectories, visited between them, are prepared and visited.
    /// </summary>
    private readonly HashSet<SourceEntry> _copied = new(ReferenceEqualityComparer.Instance);

    public CopyVisitor(
        TargetWriter writer,
        CopySourceRoot source,
        Chmod? chmod,
        CopyOwner? owner,
        Dictionary<(ulong Device, ulong Inode), ImmutableArray<string>> links,
        SafeFileHandle destination,
        ImmutableArray<string> destinationPhysical)
    {
        _writer = writer;
        _source = source;
        _chmod = chmod;
        _owner = owner;
        _links = links;
        _targets.Push((destination, destinationPhysical, false));
    }

    public ValueTask EnterDirectoryAsync(SourceEntry directory, CancellationToken cancellationToken)
    {
        var (target, physical, _) = _targets.Peek();
        var display = Display(physical, directory.Name);
        if (!TargetWriter.Prepare(target, directory.Name, wantDirectory: true, display))
        {
            _writer.CreateDirectory(target, directory.Name, display);
        }

        _writer.Chown(target, directory.Name, OwnerOf(directory.Stat), display);
        _writer.SetXattrs(target, directory.Name, Xattrs.Read(directory.ProcPath), display);
        _targets.Push((DirectoryListing.OpenChild(target, directory.Name, display), physical.Add(directory.Name), true));
        return ValueTask.CompletedTask;
    }

    public ValueTask LeaveDirectoryAsync(SourceEntry directory, CancellationToken cancellationToken)
    {
        var (child, _, owned) = _targets.Pop();
        if (owned)
        {
            child.Dispose();
        }

        var (target, physical, _) = _targets.Peek();
        var display = Display(physical, directory.Name);

        // Mode and times last: the directory was writable while it filled, and its mtime is not disturbed by children.
        TargetWriter.ChmodNoFollow(target, directory.Name, ModeApplier.Apply(_chmod, directory.Stat.Permissions, isDirectory: true), LinuxFlags.SIfDir, display);
        TargetWriter.SetTimes(target, directory.Name, _writer.Timestamp ?? directory.Stat.Modified, display);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Copies a directory's regular files on several threads. A file with other links is left to its visit, where
    /// the links are made in order; so are symlinks and special files, which are few and cheap.
    /// </summary>
    public ValueTask PrepareFilesAsync(IReadOnlyList<SourceEntry> files, CancellationToken cancellationToken)
    {
        var (target, physical, _) = _targets.Peek();
        var plain = files.Where(f => f.Stat.IsRegularFile && f.Stat.LinkCount == 1).ToArray();
        ParallelFiles.For(
            plain.Length,
            i =>
            {
                var display = Display(physical, plain[i].Name);
                TargetWriter.Prepare(target, plain[i].Name, wantDirectory: false, display);
                CopyRegularFile(target, plain[i].Name, plain[i], display);
            },
            cancellationToken);
        _copied.UnionWith(plain);
        return ValueTask.CompletedTask;
    }

    public async ValueTask VisitAsync(SourceEntry entry, CancellationToken cancellationToken)
    {
        if (!_copied.Remove(entry))
        {
            await CopyAsync(entry, entry.Name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Copies one non-directory entry into the current target directory under <paramref name="targetName"/>.</summary>
    public async Task CopyAsync(SourceEntry entry, string targetName, CancellationToken cancellationToken)
    {
        var (target, physical, _) = _targets.Peek();
        var display = Display(physical, targetName);
        TargetWriter.Prepare(target, targetName, wantDirectory: false, display);
        var stat = entry.Stat;
        switch (stat.Type)
        {
            case LinuxFlags.SIfReg:
                var key = (stat.Device, stat.Inode);
                if (stat.LinkCount > 1 && _links.TryGetValue(key, out var first))
                {
                    using var firstLocation = _writer.Root.Resolve(first, followFinal: false, createParents: false);
                    if (firstLocation.Parent is not null && FileStat.Of(firstLocation.Parent, firstLocation.Name) is { IsRegularFile: true })
                    {
                        _writer.CreateHardLink(firstLocation.Parent, firstLocation.Name, target, targetName, display);
                        return;
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                CopyRegularFile(target, targetName, entry, display);
                if (stat.LinkCount > 1)
                {
                    _links[key] = physical.Add(targetName);
                }

                break;
            case LinuxFlags.SIfLnk:
                _writer.CreateSymlink(target, targetName, entry.LinkTarget ?? string.Empty, display);
                _writer.Chown(target, targetName, OwnerOf(stat), display);
                _writer.SetXattrs(target, targetName, Xattrs.Read(entry.ProcPath), display);
                TargetWriter.SetTimes(target, targetName, _writer.Timestamp ?? stat.Modified, display);
                break;
            case LinuxFlags.SIfIfo or LinuxFlags.SIfChr or LinuxFlags.SIfBlk:
                if (_writer.CreateNode(target, targetName, stat.Type, stat.DeviceMajor, stat.DeviceMinor, display))
                {
                    FinishEntry(target, targetName, entry, stat.Type, display);
                }

                break;
            default:
                // A socket: BuildKit copies it as an empty regular file with the socket's mode (a connection cannot
                // be carried), from the context and from a stage alike, so the same image has the same file.
                _writer.CreateEmptyFile(target, targetName, display);
                FinishEntry(target, targetName, entry, LinuxFlags.SIfReg, display);
                break;
        }
    }

    public void Dispose()
    {
        while (_targets.Count > 0)
        {
            var (handle, _, owned) = _targets.Pop();
            if (owned)
            {
                handle.Dispose();
            }
        }
    }

    private void CopyRegularFile(SafeFileHandle target, string targetName, SourceEntry entry, string display)
    {
        using (var handle = DirectoryListing.OpenFileForRead(entry.Parent, entry.Name, entry.PhysicalPath))
        {
            _writer.CopyFile(target, targetName, handle, display);
        }

        FinishEntry(target, targetName, entry, LinuxFlags.SIfReg, display);
    }

    private void FinishEntry(SafeFileHandle target, string name, SourceEntry entry, uint type, string display)
    {
        // chown clears setuid/setgid, so the mode comes after the owner.
        _writer.Chown(target, name, OwnerOf(entry.Stat), display);
        TargetWriter.ChmodNoFollow(target, name, ModeApplier.Apply(_chmod, entry.Stat.Permissions, isDirectory: false), type, display);
        _writer.SetXattrs(target, name, Xattrs.Read(entry.ProcPath), display);
        TargetWriter.SetTimes(target, name, _writer.Timestamp ?? entry.Stat.Modified, display);
    }

    private CopyOwner OwnerOf(FileStat stat) =>
        _owner ?? (_source.ResetOwnership ? new CopyOwner(0, 0) : new CopyOwner(stat.Uid, stat.Gid));

    private static string Display(ImmutableArray<string> physical, string name) =>
        physical.Length == 0 ? name : string.Join('/', physical) + "/" + name;
}
