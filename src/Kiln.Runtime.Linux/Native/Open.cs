using System.Runtime.InteropServices;

namespace Kiln.Runtime.Linux.Native;

internal static partial class Libc
{
    public const int ORdWr = 0x2;
    public const int OCreat = 0x40;
    public const int ODirectory = 0x10000;
    public const int ONoFollow = 0x20000;
    public const int OCloExec = 0x80000;

    // https://man7.org/linux/man-pages/man2/open.2.html
    // Lock files are opened natively: .NET's FileStream takes a flock of its own on open (LOCK_SH, or LOCK_EX for
    // FileShare.None), which would fail against the very locks these files exist for.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);
}
