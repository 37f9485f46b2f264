using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

// Flag and mode values for the calls in this folder, from the kernel's uapi headers (asm-generic). A few open(2)
// flags differ between architectures (x86 vs asm-generic, which arm64 uses): those are chosen at run time.
// https://man7.org/linux/man-pages/man2/open.2.html, https://man7.org/linux/man-pages/man7/inode.7.html
internal static class LinuxFlags
{
    internal const int AtFdCwd = -100;
    internal const int AtSymlinkNoFollow = 0x100;
    internal const int AtRemoveDir = 0x200;
    internal const int AtSymlinkFollow = 0x400;
    internal const int AtEmptyPath = 0x1000;

    internal const int ORdOnly = 0;
    internal const int OWrOnly = 1;
    internal const int ORdWr = 2;
    internal const int OCreat = 0x40;
    internal const int OExcl = 0x80;
    internal const int OTrunc = 0x200;
    internal const int ONonBlock = 0x800;
    internal const int OCloExec = 0x80000;
    internal const int OPath = 0x200000;

    internal static readonly int ODirectory = IsArm ? 0x4000 : 0x10000;
    internal static readonly int ONoFollow = IsArm ? 0x8000 : 0x20000;

    internal const uint SIfMt = 0xF000;
    internal const uint SIfSock = 0xC000;
    internal const uint SIfLnk = 0xA000;
    internal const uint SIfReg = 0x8000;
    internal const uint SIfBlk = 0x6000;
    internal const uint SIfDir = 0x4000;
    internal const uint SIfChr = 0x2000;
    internal const uint SIfIfo = 0x1000;

    internal const uint StatxType = 0x1;
    internal const uint StatxMode = 0x2;
    internal const uint StatxBasicStats = 0x7ff;

    /// <summary>STATX_ATTR_MOUNT_ROOT (Linux 5.8), in <c>stx_attributes</c>: the name is the root of a mount.</summary>
    internal const ulong StatxAttrMountRoot = 0x2000;

    // flock(2) operations.
    internal const int LockShared = 1;
    internal const int LockExclusive = 2;
    internal const int LockNonBlocking = 4;
    internal const int LockUnlock = 8;

    private static bool IsArm => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;

    // glibc's gnu_dev_makedev: https://man7.org/linux/man-pages/man3/makedev.3.html
    internal static ulong MakeDevice(long major, long minor)
    {
        var ma = (ulong)major;
        var mi = (ulong)minor;
        return ((ma & 0x00000fffUL) << 8) | ((ma & 0xfffff000UL) << 32) | (mi & 0x000000ffUL) | ((mi & 0xffffff00UL) << 12);
    }
}
