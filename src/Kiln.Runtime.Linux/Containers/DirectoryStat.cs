using System.Runtime.InteropServices;
using Kiln.Runtime.Linux.Native;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>What makes two directories the same for a layer: type, mode, owner and mtime (to 100 ns, as .NET sets it).</summary>
internal readonly record struct DirectoryStat(uint Mode, uint Uid, uint Gid, long MtimeSeconds, uint MtimeTicks)
{
    private const uint TypeMask = 0xF000;
    private const uint DirectoryType = 0x4000;

    // struct statx (include/uapi/linux/stat.h): stx_uid, stx_gid, stx_mode, stx_mtime.
    private const int UidOffset = 20;
    private const int GidOffset = 24;
    private const int MtimeOffset = 112;
    private const uint BasicStats = 0x7FF;

    public bool IsDirectory => (Mode & TypeMask) == DirectoryType;

    /// <summary>The entry itself (a symlink is not followed), or null when there is none.</summary>
    public static unsafe DirectoryStat? Of(string path)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        if (Libc.Statx(Libc.AtFdCwd, path, Libc.AtSymlinkNoFollow, BasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is Errno.ENOENT or Errno.ENOTDIR ? null : throw Errno.From(errno, "statx", path);
        }

        var span = new ReadOnlySpan<byte>(buffer, Libc.StatxSize);
        return new DirectoryStat(
            BitConverter.ToUInt16(span[Libc.StatxModeOffset..]),
            BitConverter.ToUInt32(span[UidOffset..]),
            BitConverter.ToUInt32(span[GidOffset..]),
            BitConverter.ToInt64(span[MtimeOffset..]),
            BitConverter.ToUInt32(span[(MtimeOffset + 8)..]) / 100);
    }
}
