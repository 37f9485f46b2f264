using System.Runtime.InteropServices;

namespace Kiln.Runtime.Linux.Native;

internal static unsafe partial class Libc
{
    // https://man7.org/linux/man-pages/man2/lgetxattr.2.html
    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true)]
    public static partial nint Lgetxattr(byte* path, byte* name, byte* value, nuint size);
}
