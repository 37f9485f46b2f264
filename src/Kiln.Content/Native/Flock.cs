using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    // https://man7.org/linux/man-pages/man2/flock.2.html
    // Advisory whole-file locks owned by the open file description: two kiln processes sharing a store root see
    // each other's locks, and a process that dies drops its locks with its descriptors.
    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);
}
