using System.Runtime.InteropServices;
using System.Text;
using Kiln.Content.Native;
using Kiln.Content.Paths;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.IO;

/// <summary>
/// Whole directory trees removed and measured through directory descriptors, never by path: every step is an *at()
/// call relative to a directory held open, walking down, so no path is ever formed.
/// </summary>
/// <remarks>
/// Why: a RUN step can make a path of any length (relative mkdir and chdir reach past PATH_MAX, 4096 bytes), and
/// .NET's <c>Directory.Delete(recursive)</c> joins paths and fails on it. A store whose cleanup fails that way keeps
/// the tree and fails every later command that meets it. Walking down by descriptor is also what keeps a cleanup
/// inside its root: a symlink is removed as a link and never followed (every open is O_NOFOLLOW), and a directory
/// that is the root of a mount (a stale bind or overlay) is refused, so nothing is deleted through it.
/// The walk keeps an explicit stack, one descriptor per level, not the call stack, so depth is bounded only by the
/// descriptor limit (.NET raises the soft limit to the hard one).
/// </remarks>
public static class DirectoryTree
{
    /// <summary>How often a directory that is not empty after its listing was removed is listed again (something was added meanwhile).</summary>
    private const int MaxRounds = 3;

    /// <summary>
    /// Removes <paramref name="path"/>: a directory with everything below it, or a file or symlink (never followed).
    /// Returns false when there is nothing there. The path's parents are taken as they are (the caller's own path).
    /// </summary>
    /// <exception cref="IOException">Something could not be removed, or a mount point was met below the path.</exception>
    public static bool Remove(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (parent, name, display) = OpenParent(path);
        if (parent is null)
        {
            return false;
        }

        using (parent)
        {
            return RemoveChild(parent, name, display);
        }
    }

    /// <summary>Bytes of the regular files under <paramref name="path"/>; symlinks and mounts below it are not followed.</summary>
    public static long RegularFileBytes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (parent, name, display) = OpenParent(path);
        if (parent is null)
        {
            return 0;
        }

        using (parent)
        {
            if (!TryLstat(parent, name, display, out var stat))
            {
                return 0;
            }

            if (!IsDirectory(stat))
            {
                return IsRegularFile(stat) ? (long)stat.Size : 0;
            }

            var stack = new Stack<Frame>();
            try
            {
                long total = 0;
                if (Frame.Open(parent, name, stat, display, round: 0) is not { } start)
                {
                    return 0; // gone or replaced meanwhile
                }

                stack.Push(start);
                while (stack.Count > 0)
                {
                    var top = stack.Peek();
                    if (!top.Pending.TryDequeue(out var child))
                    {
                        stack.Pop().Dispose();
                        continue;
                    }

                    var errno = Lstat(top.Handle, child, out var childStat);
                    if (errno == LinuxErrno.ENOENT)
                    {
                        continue; // removed meanwhile
                    }

                    if (errno != 0)
                    {
                        throw LinuxErrno.ToException(errno, "stat", Display(display, stack, child));
                    }

                    if (IsRegularFile(childStat))
                    {
                        total += (long)childStat.Size;
                    }
                    else if (IsDirectory(childStat) && !IsMountRoot(childStat, top.Stat)
                        && Frame.Open(top.Handle, child, childStat, Display(display, stack, child), round: 0) is { } frame)
                    {
                        stack.Push(frame);
                    }
                }

                return total;
            }
            finally
            {
                foreach (var frame in stack)
                {
                    frame.Dispose();
                }
            }
        }
    }

    /// <summary>Removes <paramref name="name"/> in the directory <paramref name="parent"/> (see <see cref="Remove"/>); <paramref name="display"/> names it in errors.</summary>
    internal static bool RemoveChild(SafeFileHandle parent, string name, string display) =>
        RemoveChild(parent, FileNameEncoding.Encode(name), display);

    /// <inheritdoc cref="RemoveChild(SafeFileHandle, string, string)"/>
    internal static bool RemoveChild(SafeFileHandle parent, byte[] name, string display)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(name);
        if (!TryLstat(parent, name, display, out var stat))
        {
            return false;
        }

        if (!IsDirectory(stat))
        {
            Unlink(parent, name, 0, display);
            return true;
        }

        RefuseMountRoot(stat, null, display);
        var stack = new Stack<Frame>();
        try
        {
            if (!PushDirectory(stack, parent, name, stat, display, round: 0))
            {
                return true;
            }

            while (stack.Count > 0)
            {
                var top = stack.Peek();
                if (top.Pending.TryDequeue(out var child))
                {
                    // (Messages name the entry only when they are needed: building a long path for every entry would cost more than the walk.)
                    var errno = Lstat(top.Handle, child, out var childStat);
                    if (errno == LinuxErrno.ENOENT)
                    {
                        continue; // removed meanwhile
                    }

                    if (errno != 0)
                    {
                        throw LinuxErrno.ToException(errno, "stat", Display(display, stack, child));
                    }

                    if (IsDirectory(childStat))
                    {
                        var childDisplay = Display(display, stack, child);
                        RefuseMountRoot(childStat, top.Stat, childDisplay);
                        PushDirectory(stack, top.Handle, child, childStat, childDisplay, round: 0);
                    }
                    else if (!TryUnlink(top.Handle, child, 0, out errno))
                    {
                        throw LinuxErrno.ToException(errno, "remove", Display(display, stack, child));
                    }

                    continue;
                }

                // Everything listed is gone: the directory itself goes, from the one above it.
                stack.Pop().Dispose();
                var above = stack.Count > 0 ? stack.Peek().Handle : parent;
                if (TryUnlink(above, top.Name, LinuxFlags.AtRemoveDir, out var rmdirErrno))
                {
                    continue;
                }

                var topDisplay = stack.Count > 0 ? Display(display, stack, top.Name) : display;
                if (rmdirErrno == LinuxErrno.ENOTEMPTY && top.Round < MaxRounds)
                {
                    PushDirectory(stack, above, top.Name, top.Stat, topDisplay, top.Round + 1);
                    continue;
                }

                throw LinuxErrno.ToException(rmdirErrno, "remove directory", topDisplay);
            }

            return true;
        }
        finally
        {
            foreach (var frame in stack)
            {
                frame.Dispose();
            }
        }
    }

    /// <summary>Opens a directory to empty it; one that became something else meanwhile is unlinked as that.</summary>
    private static bool PushDirectory(Stack<Frame> stack, SafeFileHandle parent, byte[] name, StatxBuffer stat, string display, int round)
    {
        if (Frame.Open(parent, name, stat, display, round) is { } frame)
        {
            stack.Push(frame);
            return true;
        }

        Unlink(parent, name, 0, display);
        return false;
    }

    private static (SafeFileHandle? Parent, byte[] Name, string Display) OpenParent(string path)
    {
        var full = Path.GetFullPath(path);
        if (full.Length > 1)
        {
            full = full.TrimEnd('/');
        }

        var parentPath = Path.GetDirectoryName(full);
        var name = Path.GetFileName(full);
        if (parentPath is null || name.Length == 0 || name is "." or "..")
        {
            throw new ArgumentException($"{path}: not a path that can be removed", nameof(path));
        }

        var parent = OpenPath(parentPath);
        return (parent, FileNameEncoding.Encode(name), full);
    }

    private static unsafe SafeFileHandle? OpenPath(string path)
    {
        var pathZ = FileNameEncoding.Encode(path + "\0");
        int fd;
        fixed (byte* p = pathZ)
        {
            fd = Libc.Open(p, LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.OCloExec, 0);
        }

        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == LinuxErrno.ENOENT ? null : throw LinuxErrno.ToException(errno, "open directory", path);
    }

    private static bool TryLstat(SafeFileHandle directory, byte[] name, string display, out StatxBuffer stat)
    {
        var errno = Lstat(directory, name, out stat);
        return errno switch
        {
            0 => true,
            LinuxErrno.ENOENT => false,
            _ => throw LinuxErrno.ToException(errno, "stat", display),
        };
    }

    /// <summary>lstat of a name in an open directory: 0, or the errno.</summary>
    private static unsafe int Lstat(SafeFileHandle directory, byte[] name, out StatxBuffer stat)
    {
        byte[] nameZ = [.. name, 0];
        var added = false;
        directory.DangerousAddRef(ref added);
        try
        {
            fixed (byte* p = nameZ)
            fixed (StatxBuffer* result = &stat)
            {
                return Libc.Statx((int)directory.DangerousGetHandle(), p, LinuxFlags.AtSymlinkNoFollow, LinuxFlags.StatxBasicStats, result) == 0
                    ? 0
                    : Marshal.GetLastPInvokeError();
            }
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }
    }

    private static void Unlink(SafeFileHandle directory, byte[] name, int flags, string display)
    {
        if (!TryUnlink(directory, name, flags, out var errno))
        {
            throw LinuxErrno.ToException(errno, "remove", display);
        }
    }

    /// <summary>unlinkat; a name already gone counts as removed.</summary>
    private static unsafe bool TryUnlink(SafeFileHandle directory, byte[] name, int flags, out int errno)
    {
        byte[] nameZ = [.. name, 0];
        fixed (byte* p = nameZ)
        {
            if (Libc.Unlinkat(directory, p, flags) == 0)
            {
                errno = 0;
                return true;
            }
        }

        errno = Marshal.GetLastPInvokeError();
        return errno == LinuxErrno.ENOENT;
    }

    private static bool IsDirectory(StatxBuffer stat) => (stat.Mode & LinuxFlags.SIfMt) == LinuxFlags.SIfDir;

    private static bool IsRegularFile(StatxBuffer stat) => (stat.Mode & LinuxFlags.SIfMt) == LinuxFlags.SIfReg;

    /// <summary>
    /// Whether a directory is where something is mounted: STATX_ATTR_MOUNT_ROOT where the kernel reports it (5.8),
    /// else a device other than its parent's (which misses a bind mount of the same filesystem).
    /// </summary>
    private static bool IsMountRoot(StatxBuffer stat, StatxBuffer? parent) =>
        (stat.AttributesMask & LinuxFlags.StatxAttrMountRoot) != 0
            ? (stat.Attributes & LinuxFlags.StatxAttrMountRoot) != 0
            : parent is { } p && (p.DevMajor != stat.DevMajor || p.DevMinor != stat.DevMinor);

    private static void RefuseMountRoot(StatxBuffer stat, StatxBuffer? parent, string display)
    {
        if (IsMountRoot(stat, parent))
        {
            throw new IOException($"{display} is a mount point: nothing is removed through a mount (unmount it first)");
        }
    }

    /// <summary>A path for messages only: the start's display and the names of the directories being walked.</summary>
    private static string Display(string start, Stack<Frame> stack, byte[] name)
    {
        var builder = new StringBuilder(start);
        foreach (var frame in stack.Reverse().Skip(1))
        {
            builder.Append('/').Append(FileNameEncoding.Display(frame.Name));
        }

        return builder.Append('/').Append(FileNameEncoding.Display(name)).ToString();
    }

    /// <summary>A directory being walked: held open (O_PATH, never following a symlink) with the names still to visit.</summary>
    private sealed class Frame : IDisposable
    {
        private Frame(SafeFileHandle handle, byte[] name, StatxBuffer stat, Queue<byte[]> pending, int round)
        {
            Handle = handle;
            Name = name;
            Stat = stat;
            Pending = pending;
            Round = round;
        }

        public SafeFileHandle Handle { get; }

        public byte[] Name { get; }

        public StatxBuffer Stat { get; }

        public Queue<byte[]> Pending { get; }

        public int Round { get; }

        /// <summary>Null when the name is gone or no longer a directory (swapped for a symlink or a file since its lstat).</summary>
        public static unsafe Frame? Open(SafeFileHandle parent, byte[] name, StatxBuffer stat, string display, int round)
        {
            byte[] nameZ = [.. name, 0];
            int fd;
            fixed (byte* p = nameZ)
            {
                fd = Libc.Openat(parent, p, LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0);
            }

            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno is LinuxErrno.ELOOP or LinuxErrno.ENOTDIR or LinuxErrno.ENOENT ? null : throw LinuxErrno.ToException(errno, "open directory", display);
            }

            var handle = new SafeFileHandle(fd, ownsHandle: true);
            try
            {
                return new Frame(handle, name, stat, new Queue<byte[]>(DirectoryNames.Read(handle, display)), round);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        public void Dispose() => Handle.Dispose();
    }
}
