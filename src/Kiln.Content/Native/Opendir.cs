using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static unsafe partial class Libc
{
    // https://man7.org/linux/man-pages/man3/opendir.3.html
    [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true)]
    public static partial nint Opendir(byte* path);
}
