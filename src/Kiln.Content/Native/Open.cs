using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static unsafe partial class Libc
{
    public const int ORdonly = 0;

    // O_NOFOLLOW is one of the flags whose value differs between architectures (asm-generic vs x86).
    public static readonly int ONoFollow =
        RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    public const int OCloExec = 0x80000;

    // https://man7.org/linux/man-pages/man2/open.2.html
    // open is variadic; mode is passed always (ignored without O_CREAT), which the x86_64 and aarch64 Linux
    // calling conventions make identical to the variadic call.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags, uint mode);
}
