using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static unsafe partial class Libc
{
    // https://man7.org/linux/man-pages/man2/llistxattr.2.html
    // The l- variant describes a symlink itself, never its target.
    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true)]
    public static partial nint Llistxattr(byte* path, byte* list, nuint size);
}
