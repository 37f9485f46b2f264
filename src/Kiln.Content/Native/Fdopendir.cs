using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    // https://man7.org/linux/man-pages/man3/fdopendir.3.html
    // On success the stream owns fd (closedir closes it).
    [LibraryImport("libc", EntryPoint = "fdopendir", SetLastError = true)]
    public static partial nint Fdopendir(int fd);
}
