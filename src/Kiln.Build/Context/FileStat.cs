using Kiln.Content.Native;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Build.Context;

/// <summary>What lstat says about one name: everything COPY copies and the stat cache keys on.</summary>
internal readonly record struct FileStat(
    uint Mode,
    uint Uid,
    uint Gid,
    long Size,
    ulong Inode,
    ulong Device,
    uint LinkCount,
    FileTime Modified,
    long ChangedNanoseconds,
    uint DeviceMajor,
    uint DeviceMinor)
{
    private const uint StatxBasicStats = 0x7ff;

    public uint Type => Mode & LinuxFlags.SIfMt;

    public uint Permissions => Mode & 0xFFF;

    public bool IsDirectory => Type == LinuxFlags.SIfDir;

    public bool IsRegularFile => Type == LinuxFlags.SIfReg;

    public bool IsSymbolicLink => Type == LinuxFlags.SIfLnk;

    /// <summary>The mtime as one number, for the stat cache's "unchanged?" comparison only (it wraps after 2262).</summary>
    public long ModifiedNanoseconds => unchecked((Modified.Seconds * 1_000_000_000L) + Modified.Nanoseconds);

    /// <summary>lstat of <paramref name="name"/> in <paramref name="directory"/> (never following it); null if absent.</summary>
    public static FileStat? Of(SafeFileHandle directory, string name) => Stat(directory, name, LinuxFlags.AtSymlinkNoFollow);

    /// <summary>lstat by path (tests and diagnostics; the copy itself only works through descriptors).</summary>
    public static FileStat? OfPath(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var parent = System.IO.Path.GetDirectoryName(full) ?? "/";
        using var cwd = new SafeFileHandle(LinuxFlags.AtFdCwd, ownsHandle: false);
        var fd = Libc.Openat(cwd, parent, LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.OCloExec, 0);
        if (fd < 0)
        {
            return null;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        return Of(handle, System.IO.Path.GetFileName(full));
    }

    /// <summary>fstat of an open descriptor (statx with AT_EMPTY_PATH).</summary>
    public static FileStat OfHandle(SafeFileHandle handle) =>
        Stat(handle, string.Empty, LinuxFlags.AtSymlinkNoFollow | LinuxFlags.AtEmptyPath)
        ?? throw new IOException("stat of an open file failed");

    private static FileStat? Stat(SafeFileHandle directory, string name, int flags)
    {
        if (!StatxAt.TryGet(directory, name, flags, StatxBasicStats, out var buffer))
        {
            return null;
        }

        return new FileStat(
            buffer.Mode,
            buffer.Uid,
            buffer.Gid,
            (long)buffer.Size,
            buffer.Ino,
            ((ulong)buffer.DevMajor << 32) | buffer.DevMinor,
            buffer.Nlink,
            new FileTime(buffer.MtimeSeconds, buffer.MtimeNanoseconds),
            unchecked((buffer.CtimeSeconds * 1_000_000_000L) + buffer.CtimeNanoseconds),
            buffer.RdevMajor,
            buffer.RdevMinor);
    }
}
