using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    // https://man7.org/linux/man-pages/man2/fsync.2.html
    // Used on directory descriptors: a rename is durable only once its directory has been synced, and .NET
    // cannot open a directory as a FileStream.
    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);
}
