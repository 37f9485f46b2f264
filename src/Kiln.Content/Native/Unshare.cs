using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    public const int CloneNewNs = 0x00020000;

    // https://man7.org/linux/man-pages/man2/unshare.2.html
    // CLONE_NEWNS implies CLONE_FS, which a thread of a multi-threaded process may unshare: only the calling thread
    // moves to the new mount namespace, and so do the processes it starts.
    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    public static partial int Unshare(int flags);
}
