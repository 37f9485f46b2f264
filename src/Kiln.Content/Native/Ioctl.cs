using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static unsafe partial class Libc
{
    /// <summary>FS_IOC_GETFLAGS / FS_IOC_SETFLAGS (include/uapi/linux/fs.h: _IOR/_IOW('f', 1/2, long) on 64-bit).</summary>
    public const nuint FsIocGetFlags = 0x80086601;
    public const nuint FsIocSetFlags = 0x40086602;

    /// <summary>FS_TOPDIR_FL: "top of directory hierarchies", the hint ext4's Orlov allocator spreads subdirectories by.</summary>
    public const int FsTopDirFlag = 0x00020000;

    // https://man7.org/linux/man-pages/man2/ioctl_iflags.2.html
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, int* argument);
}
