using System.Runtime.InteropServices;

namespace Kiln.Runtime.Linux.Native;

internal static unsafe partial class Libc
{
    public const int AtSymlinkNoFollow = 0x100;
    public const uint StatxType = 0x1;

    /// <summary>Size of struct statx (include/uapi/linux/stat.h), and where its stx_mode (u16) sits.</summary>
    public const int StatxSize = 256;
    public const int StatxModeOffset = 28;

    // https://man7.org/linux/man-pages/man2/statx.2.html
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
