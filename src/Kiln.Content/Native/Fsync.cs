using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

/// <summary>
/// fsync(2) on a directory descriptor: a rename is durable only once its directory is synced.
/// https://man7.org/linux/man-pages/man2/fsync.2.html
/// </summary>
internal static partial class Fsync
{
    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Call(int fd);
}
