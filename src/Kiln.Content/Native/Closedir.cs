using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    // https://man7.org/linux/man-pages/man3/closedir.3.html
    [LibraryImport("libc", EntryPoint = "closedir", SetLastError = true)]
    public static partial int Closedir(nint dir);
}
