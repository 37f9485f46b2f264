namespace Kiln.Content.Native;

// Flag values from the kernel's uapi headers (asm-generic); the architecture-dependent ones come from Libc.
internal static class LinuxFlags
{
    internal const int AtFdCwd = Libc.AtFdCwd;
    internal const int AtSymlinkNoFollow = Libc.AtSymlinkNoFollow;
    internal const int AtRemoveDir = 0x200;
    internal const int AtEmptyPath = 0x1000;

    internal const int OWrOnly = 1;
    internal const int OCreat = Libc.OCreat;
    internal const int OExcl = 0x80;
    internal const int OCloExec = Libc.OCloExec;
    internal const int OPath = 0x200000;
    internal static int ODirectory => Libc.ODirectory;
    internal static int ONoFollow => Libc.ONoFollow;

    internal const uint SIfMt = 0xF000;
    internal const uint SIfDir = 0x4000;
    internal const uint SIfReg = 0x8000;
    internal const uint SIfLnk = 0xA000;
    internal const uint SIfChr = 0x2000;
    internal const uint SIfBlk = 0x6000;
    internal const uint SIfIfo = 0x1000;

    internal const uint StatxType = 0x1;
    internal const uint StatxMode = 0x2;

    // glibc's gnu_dev_makedev: https://man7.org/linux/man-pages/man3/makedev.3.html
    internal static ulong MakeDevice(long major, long minor)
    {
        var ma = (ulong)major;
        var mi = (ulong)minor;
        return ((ma & 0x00000fffUL) << 8) | ((ma & 0xfffff000UL) << 32) | (mi & 0x000000ffUL) | ((mi & 0xffffff00UL) << 12);
    }
}
