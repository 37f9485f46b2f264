using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    // https://man7.org/linux/man-pages/man2/close.2.html
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
