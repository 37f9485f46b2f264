using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static unsafe partial class Libc
{
    // https://man7.org/linux/man-pages/man2/open.2.html
    // open is variadic; mode is passed always (ignored without O_CREAT), which the x86_64 and aarch64 Linux
    // calling conventions make identical to the variadic call.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags, uint mode);
}
