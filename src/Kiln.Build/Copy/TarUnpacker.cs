using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Kiln.Build.Context;
using Kiln.Content.IO;
using Kiln.Content.Tar;
using Kiln.Content.Native;
using Kiln.Content.Paths;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Build.Copy;

/// <summary>
/// Extracts an ADDed archive into its destination directory like BuildKit's applyRootArchive: the destination acts
/// as the root (names are cleaned, a ".." that climbs out is refused, symlinks resolve inside it), existing entries
/// are replaced (a directory merges with a directory), owners come from the archive unless --chown overrides them,
/// modes and times come from the archive (--chmod does not apply), whiteout names are ordinary files (this is not a
/// layer), and device nodes and FIFOs are made as the archive says (type, major/minor, mode, owner), as BuildKit
/// makes them as root.
/// </summary>
internal sealed class TarUnpacker(RootDirectory root, TargetWriter writer, CopyOwner? owner, string prefix, string source)
{
    private readonly List<(ImmutableArray<string> Components, uint Mode, FileTime Time)> _directories = [];

    public async Task ApplyAsync(TarReader reader, TarEntry entry, CancellationToken cancellationToken)
    {
        var components = Clean(entry.NameText);
        if (components.Length == 0)
        {
            return;
        }

        var display = Display(components);
        using var location = root.Resolve(components, followFinal: entry.Kind == TarEntryKind.Directory, createParents: true);
        if (location.IsRoot)
        {
            return; // a symlink to "." or "/" named as a directory: the destination itself
        }

        var parent = location.Parent!;
        var name = location.Name;
        var existing = FileStat.Of(parent, name);
        ResolvedLocation? linkTarget = null;
        try
        {
            if (entry.Kind == TarEntryKind.HardLink)
            {
                linkTarget = ResolveLinkTarget(entry);
            }

            if (existing is { } found && !(found.IsDirectory && entry.Kind == TarEntryKind.Directory))
            {
                RemoveAll(parent, name, display);
            }

            var time = FileTime.Of(entry.ModificationTime);
            var entryOwner = owner ?? new CopyOwner(checked((uint)entry.Uid), checked((uint)entry.Gid));
            switch (entry.Kind)
            {
                case TarEntryKind.Directory:
                    if (existing is not { IsDirectory: true })
                    {
                        writer.CreateDirectory(parent, name, display);
                    }

                    writer.Chown(parent, name, entryOwner, display);
                    SetXattrs(entry, parent, name, display);
                    _directories.Add((location.Components, (uint)entry.Mode, time));
                    break;
                case TarEntryKind.RegularFile:
                    await using (var data = reader.OpenData())
                    {
                        await writer.CreateFileAsync(parent, name, data, display, cancellationToken).ConfigureAwait(false);
                    }

                    writer.Chown(parent, name, entryOwner, display);
                    TargetWriter.ChmodNoFollow(parent, name, (uint)entry.Mode, LinuxFlags.SIfReg, display);
                    SetXattrs(entry, parent, name, display);
                    TargetWriter.SetTimes(parent, name, time, display);
                    break;
                case TarEntryKind.SymbolicLink:
                    writer.CreateSymlink(parent, name, entry.LinkNameText, display);
                    writer.Chown(parent, name, entryOwner, display);
                    TargetWriter.SetTimes(parent, name, time, display);
                    break;
                case TarEntryKind.HardLink:
                    writer.CreateHardLink(linkTarget!.Parent!, linkTarget.Name, parent, name, display);
                    break;
                case TarEntryKind.CharacterDevice or TarEntryKind.BlockDevice or TarEntryKind.Fifo:
                    var type = entry.Kind switch
                    {
                        TarEntryKind.CharacterDevice => LinuxFlags.SIfChr,
                        TarEntryKind.BlockDevice => LinuxFlags.SIfBlk,
                        _ => LinuxFlags.SIfIfo,
                    };
                    if (writer.CreateNode(parent, name, type, checked((uint)entry.DeviceMajor), checked((uint)entry.DeviceMinor), display))
                    {
                        writer.Chown(parent, name, entryOwner, display);
                        TargetWriter.ChmodNoFollow(parent, name, (uint)entry.Mode, type, display);
                        SetXattrs(entry, parent, name, display);
                        TargetWriter.SetTimes(parent, name, time, display);
                    }

                    break;
                default:
                    throw new CopyException($"ADD {source}: unsupported tar entry \"{FileNameEncoding.Display(entry.NameText)}\" ({entry.Kind})");
            }
        }
        finally
        {
            linkTarget?.Dispose();
        }
    }

    /// <summary>Directory modes and times last, deepest first, so that children did not disturb them.</summary>
    public void FinishDirectories()
    {
        for (var i = _directories.Count - 1; i >= 0; i--)
        {
            var (components, mode, time) = _directories[i];
            using var location = root.Resolve(components, followFinal: false, createParents: false);
            if (location.Parent is null || FileStat.Of(location.Parent, location.Name) is not { IsDirectory: true })
            {
                continue;
            }

            TargetWriter.ChmodNoFollow(location.Parent, location.Name, mode, LinuxFlags.SIfDir, Display(components));
            TargetWriter.SetTimes(location.Parent, location.Name, time, Display(components));
        }
    }

    private ImmutableArray<string> Clean(string name)
    {
        if (!SecureJoin.TryClean(name.TrimStart('/'), out var components))
        {
            throw new CopyException($"ADD {source}: archive path \"{FileNameEncoding.Display(name)}\" is outside extraction root");
        }

        return components;
    }

    private ResolvedLocation ResolveLinkTarget(TarEntry entry)
    {
        var target = Clean(entry.LinkNameText);
        if (target.Length == 0)
        {
            throw new CopyException($"ADD {source}: archive hardlink \"{FileNameEncoding.Display(entry.NameText)}\" targets extraction root");
        }

        var location = root.Resolve(target, followFinal: false, createParents: false);
        if (location.Parent is null || FileStat.Of(location.Parent, location.Name) is not { } stat || stat.IsDirectory)
        {
            location.Dispose();
            throw new CopyException($"ADD {source}: archive hardlink \"{FileNameEncoding.Display(entry.NameText)}\" points at \"{FileNameEncoding.Display(entry.LinkNameText)}\", which is not a file in the archive");
        }

        return location;
    }

    private void SetXattrs(TarEntry entry, SafeFileHandle parent, string name, string display)
    {
        if (entry.Xattrs.IsDefaultOrEmpty)
        {
            return;
        }

        writer.SetXattrs(
            parent,
            name,
            [.. entry.Xattrs.Where(x => !x.Name.StartsWith("trusted.overlay.", StringComparison.Ordinal)).Select(x => (x.Name, x.Value.ToArray()))],
            display);
    }

    private static void RemoveAll(SafeFileHandle parent, string name, string display) => DirectoryTree.RemoveChild(parent, name, "/" + display);

    private string Display(ImmutableArray<string> components) =>
        (prefix.Length == 0 ? string.Empty : prefix + "/") + string.Join('/', components);
}
