using System.Runtime.InteropServices;

namespace Kiln.Runtime.Linux.Native;

internal static partial class Libc
{
    public const int LockShared = 1;
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;
    public const int LockUnlock = 8;

    // https://man7.org/linux/man-pages/man2/flock.2.html
    // Owned by the open file description and dropped when the process dies: a snapshot or a mount in use is one
    // whose lock file someone holds, and SIGKILL cannot leave a lock behind.
    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);
}
