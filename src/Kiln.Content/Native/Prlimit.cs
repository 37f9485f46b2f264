using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static unsafe partial class Libc
{
    public const int RlimitNofile = 7;

    // https://man7.org/linux/man-pages/man2/prlimit.2.html (pid 0: this process). struct rlimit is two rlim_t
    // (unsigned long) on every 64-bit Linux .NET runs on.
    [LibraryImport("libc", EntryPoint = "prlimit", SetLastError = true)]
    public static partial int Prlimit(int pid, int resource, ulong* newLimit, ulong* oldLimit);
}
