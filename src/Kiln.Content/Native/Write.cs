using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static unsafe partial class Libc
{
    // https://man7.org/linux/man-pages/man2/write.2.html
    // For an inherited descriptor (standard output) that must be written at its own file offset, which a FileStream
    // over it would not move (it writes with pwrite at positions of its own).
    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);
}
