using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    // https://man7.org/linux/man-pages/man3/fdopendir.3.html
    // The stream takes the descriptor over: closedir closes it.
    [LibraryImport("libc", EntryPoint = "fdopendir", SetLastError = true)]
    public static partial nint Fdopendir(int fd);
}
