using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using Kiln.Content.IO;
using Kiln.Content.Native;
using Kiln.Content.Paths;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Runtime.Linux.Copy;

/// <summary>
/// <c>kiln cp IMAGE:PATH DEST</c>: copies a file or a directory out of an image without running anything. The
/// image's layers are mounted read-only (an overlay with no upper) and the path is resolved in it with the secure
/// join, so a symlink in the image cannot lead outside it.
/// </summary>
/// <remarks>
/// docker cp's rules (https://docs.docker.com/reference/cli/docker/container/cp/): symlinks in the parents of
/// PATH are followed (inside the image), a final symlink is copied as a link; a file goes to DEST, or into DEST
/// when it is a directory; a directory becomes DEST when DEST does not exist, else goes into it, and with a
/// trailing <c>/.</c> its content goes into DEST. Modes, mtimes and symlinks are kept; the owner is the user
/// running kiln, as docker cp does. Devices, FIFOs and sockets are skipped and reported.
/// Both trees are walked through directory descriptors, every name an *at() call relative to its open directory
/// and never followed: an image may hold paths longer than PATH_MAX (4096 bytes), and they are copied whole.
/// </remarks>
public static class ImageCopier
{
    public static async Task<CopyResult> CopyAsync(
        SnapshotStore snapshots,
        ContentStore content,
        ImmutableArray<Descriptor> layers,
        ImmutableArray<Digest> diffIds,
        string sourcePath,
        string destination,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        OverlayMount.CleanStale(snapshots);
        using var lease = await snapshots.AcquireAsync(content, layers, diffIds, cancellationToken).ConfigureAwait(false);
        using var mount = OverlayMount.Create(snapshots, lease.LowerDirectories, readOnly: true);
        return await CopyOutAsync(mount.MergedPath, sourcePath, destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The copy itself, from a root directory that nobody else modifies meanwhile.</summary>
    public static async Task<CopyResult> CopyOutAsync(string root, string sourcePath, string destination, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var contentsOnly = sourcePath.EndsWith("/.", StringComparison.Ordinal);
        var trimmed = sourcePath.TrimEnd('/');
        if (contentsOnly)
        {
            trimmed = trimmed[..^2];
        }

        if (!SecureJoin.TryClean(trimmed, out var components))
        {
            throw new UnsafePathException($"{sourcePath}: climbs out of the image with \"..\"");
        }

        // Parents resolved inside the image; the final name is taken as it is (a symlink is copied as a link),
        // unless the user asked for what is inside it (a trailing "/" or "/.").
        var followFinal = sourcePath.EndsWith('/') || contentsOnly || components.IsEmpty;
        using var image = RootDirectory.Open(root);
        using var location = image.Resolve(components, followFinal, createParents: false);
        var type = location.IsRoot
            ? LinuxFlags.SIfDir
            : (location.Parent is { } parent ? RootDirectory.StatMode(parent, location.Name) : null) & LinuxFlags.SIfMt
                ?? throw new FileNotFoundException($"{sourcePath}: no such file or directory in the image");
        var state = new CopyState(root);
        var destinationType = FollowedType(destination);
        if (destinationType is not null && new FileInfo(destination).ResolveLinkTarget(returnFinalTarget: true) is { } resolved)
        {
            // DEST is the user's own path: a symlink there is followed once, up front, to what it names, and
            // everything below is then made without following anything.
            destination = resolved.FullName;
        }

        string target;
        if (type == LinuxFlags.SIfDir)
        {
            if (destinationType is { } found && found != LinuxFlags.SIfDir)
            {
                throw new IOException($"cannot copy a directory to {destination}: it is a file");
            }

            target = destinationType == LinuxFlags.SIfDir && !contentsOnly && !components.IsEmpty
                ? Path.Combine(destination, components[^1])
                : destination;
            using var targetParent = OpenHostParent(target, out var targetName);
            using var source = location.IsRoot ? image.OpenDirectory([]) : OpenDirectory(location.Parent!, location.Name, "/" + location.RelativePath);
            await CopyDirectoryAsync(source, location.RelativePath, targetParent, targetName, target, state, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (destinationType is null && destination.EndsWith('/'))
            {
                throw new DirectoryNotFoundException($"{destination}: the destination directory must exist");
            }

            target = destinationType == LinuxFlags.SIfDir ? Path.Combine(destination, components[^1]) : destination;
            using var targetParent = OpenHostParent(target, out var targetName);
            await CopyEntryAsync(location.Parent!, location.Name, location.RelativePath, targetParent, targetName, target, state, cancellationToken).ConfigureAwait(false);
        }

        return new CopyResult(target, state.Files, state.Directories, state.Symlinks, [.. state.Skipped]);
    }

    /// <summary>Makes (or reuses) the target directory, copies every entry into it, then gives it the source's mode and mtime.</summary>
    private static async Task CopyDirectoryAsync(
        SafeFileHandle source, string relative, SafeFileHandle targetParent, string targetName, string display, CopyState state, CancellationToken cancellationToken)
    {
        var existing = RootDirectory.StatMode(targetParent, targetName);
        if (existing is null)
        {
            Check(Libc.Mkdirat(targetParent, targetName, 0x1C0 /* 0700 until the source's mode, after its content */), "mkdir", display);
        }
        else if ((existing.Value & LinuxFlags.SIfMt) != LinuxFlags.SIfDir)
        {
            throw new IOException($"cannot copy a directory to {display}: it is not a directory");
        }

        state.Directories++;
        using (var target = OpenDirectory(targetParent, targetName, display))
        {
            var names = DirectoryNames.List(source, state.Display(relative));
            foreach (var name in names)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var childRelative = relative.Length == 0 ? name : relative + "/" + name;
                await CopyEntryAsync(source, name, childRelative, target, name, display + "/" + name, state, cancellationToken).ConfigureAwait(false);
            }
        }

        var stat = Stat(source, string.Empty, LinuxFlags.AtEmptyPath, state.Display(relative));
        SetMode(targetParent, targetName, stat.Mode, display);
        SetModificationTime(targetParent, targetName, stat, display);
    }

    private static async Task CopyEntryAsync(
        SafeFileHandle sourceParent, string name, string relative, SafeFileHandle targetParent, string targetName, string display, CopyState state, CancellationToken cancellationToken)
    {
        var stat = Stat(sourceParent, name, LinuxFlags.AtSymlinkNoFollow, state.Display(relative));
        switch (stat.Mode & LinuxFlags.SIfMt)
        {
            case LinuxFlags.SIfLnk:
                var link = RootDirectory.ReadLink(sourceParent, name, state.Display(relative));
                ReplaceNonDirectory(targetParent, targetName, display);
                Check(Libc.Symlinkat(link, targetParent, targetName), "symlink", display);
                state.Symlinks++;
                return;
            case LinuxFlags.SIfDir:
                using (var directory = OpenDirectory(sourceParent, name, state.Display(relative)))
                {
                    await CopyDirectoryAsync(directory, relative, targetParent, targetName, display, state, cancellationToken).ConfigureAwait(false);
                }

                return;
            case LinuxFlags.SIfReg:
                // O_NONBLOCK: a file swapped for a FIFO meanwhile cannot hang the copy.
                using (var input = OpenAt(sourceParent, name, LinuxFlags.ORdOnly | LinuxFlags.ONoFollow | LinuxFlags.ONonBlock | LinuxFlags.OCloExec, 0, state.Display(relative)))
                {
                    ReplaceNonDirectory(targetParent, targetName, display);
                    using var output = OpenAt(targetParent, targetName, LinuxFlags.OWrOnly | LinuxFlags.OCreat | LinuxFlags.OExcl | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0x180, display);
                    cancellationToken.ThrowIfCancellationRequested();
                    FileCopy.Copy(input, output, display);
                    if (Libc.Fchmod(output, stat.Mode & 0xFFFu) != 0)
                    {
                        throw LinuxErrno.LastError("chmod", display);
                    }
                }

                SetModificationTime(targetParent, targetName, stat, display);
                state.Files++;
                return;
            default:
                state.Skipped.Add(state.Display(relative));
                return;
        }
    }

    /// <summary>Makes room for a file or a symlink: whatever non-directory is there goes (a symlink is never written through).</summary>
    private static void ReplaceNonDirectory(SafeFileHandle directory, string name, string display)
    {
        if (RootDirectory.StatMode(directory, name) is not { } mode)
        {
            return;
        }

        if ((mode & LinuxFlags.SIfMt) == LinuxFlags.SIfDir)
        {
            throw new IOException($"cannot overwrite the directory {display} with a file");
        }

        if (Libc.Unlinkat(directory, name, 0) != 0 && Marshal.GetLastPInvokeError() != LinuxErrno.ENOENT)
        {
            throw LinuxErrno.LastError("remove", display);
        }
    }

    /// <summary>The type of what <paramref name="path"/> names on the host, symlinks followed (a user's DEST); null when nothing is there.</summary>
    private static uint? FollowedType(string path) =>
        StatxAt.TryGetPath(path, 0, LinuxFlags.StatxType, out var stat) ? stat.Mode & LinuxFlags.SIfMt : null;

    /// <summary>The host directory a target goes into, opened by its path (the user's own, short), and the target's name.</summary>
    private static SafeFileHandle OpenHostParent(string target, out string name)
    {
        var full = Path.GetFullPath(target).TrimEnd('/');
        name = Path.GetFileName(full);
        var parent = Path.GetDirectoryName(full);
        if (parent is null || name.Length == 0)
        {
            throw new IOException($"{target}: cannot copy onto the root directory");
        }

        using var cwd = new SafeFileHandle(LinuxFlags.AtFdCwd, ownsHandle: false);
        return OpenAt(cwd, parent, LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.OCloExec, 0, parent);
    }

    private static SafeFileHandle OpenDirectory(SafeFileHandle parent, string name, string display) =>
        OpenAt(parent, name, LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0, display);

    private static SafeFileHandle OpenAt(SafeFileHandle parent, string name, int flags, uint mode, string display)
    {
        var fd = Libc.Openat(parent, name, flags, mode);
        return fd < 0 ? throw LinuxErrno.LastError("open", display) : new SafeFileHandle(fd, ownsHandle: true);
    }

    private static StatxBuffer Stat(SafeFileHandle directory, string name, int flags, string display) =>
        StatxAt.TryGet(directory, name, flags, LinuxFlags.StatxBasicStats, out var stat)
            ? stat
            : throw new FileNotFoundException($"{display}: removed while it was being copied");

    /// <summary>chmod through /proc/self/fd of an O_PATH|O_NOFOLLOW descriptor: exactly the entry made, never a symlink's target.</summary>
    private static void SetMode(SafeFileHandle directory, string name, uint mode, string display)
    {
        using var handle = OpenAt(directory, name, LinuxFlags.OPath | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0, display);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }

        File.SetUnixFileMode($"/proc/self/fd/{handle.DangerousGetHandle()}", (UnixFileMode)(mode & 0xFFF));
    }

    /// <summary>The source's mtime on the copy; its atime is left as it is (UTIME_OMIT), as docker cp leaves it.</summary>
    private static unsafe void SetModificationTime(SafeFileHandle directory, string name, StatxBuffer stat, string display)
    {
        const long UtimeOmit = (1L << 30) - 2;
        var times = stackalloc long[4] { 0, UtimeOmit, stat.MtimeSeconds, stat.MtimeNanoseconds };
        Check(Libc.Utimensat(directory, name, times, LinuxFlags.AtSymlinkNoFollow), "set times", display);
    }

    private static void Check(int result, string operation, string display)
    {
        if (result != 0)
        {
            throw LinuxErrno.LastError(operation, display);
        }
    }

    private sealed class CopyState(string root)
    {
        public int Files { get; set; }

        public int Directories { get; set; }

        public int Symlinks { get; set; }

        public List<string> Skipped { get; } = [];

        /// <summary>A source entry as a host path under the image root, for messages.</summary>
        public string Display(string relative) => FileNameEncoding.Display(relative.Length == 0 ? root : Path.Join(root, relative));
    }
}
