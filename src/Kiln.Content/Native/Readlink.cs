using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static unsafe partial class Libc
{
    // https://man7.org/linux/man-pages/man2/readlink.2.html
    // The target is returned as raw bytes without a terminating NUL; it need not be valid UTF-8.
    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true)]
    public static partial nint Readlink(byte* path, byte* buffer, nuint size);
}
