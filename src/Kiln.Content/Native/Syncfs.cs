using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    // https://man7.org/linux/man-pages/man2/syncfs.2.html
    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    public static partial int Syncfs(int fd);
}
