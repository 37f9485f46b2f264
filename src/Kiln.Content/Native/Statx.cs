using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static unsafe partial class Libc
{
    // https://man7.org/linux/man-pages/man2/statx.2.html
    // With AT_SYMLINK_NOFOLLOW this is lstat: a symlink is described, never followed.
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int dirfd, byte* path, int flags, uint mask, StatxBuffer* buffer);
}
