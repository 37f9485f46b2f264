using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static unsafe partial class Libc
{
    /// <summary>Offset of <c>d_name</c> in glibc's 64-bit <c>struct dirent</c> (d_ino, d_off, d_reclen, d_type, d_name).</summary>
    public const int DirentNameOffset = 19;

    // https://man7.org/linux/man-pages/man3/readdir.3.html
    // NULL with errno 0 is the end of the directory; the generated stub clears errno before the call.
    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    public static partial byte* Readdir(nint dir);
}
