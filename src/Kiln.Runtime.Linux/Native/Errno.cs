using System.Runtime.InteropServices;

namespace Kiln.Runtime.Linux.Native;

/// <summary>errno values the sandbox reacts to (asm-generic/errno-base.h), and the one way a failed call becomes an exception.</summary>
/// <remarks>https://man7.org/linux/man-pages/man3/errno.3.html</remarks>
internal static class Errno
{
    public const int EINVAL = 22;

    public static IOException Last(string operation, string subject) => From(Marshal.GetLastPInvokeError(), operation, subject);

    public static IOException From(int errno, string operation, string subject) =>
        new($"{operation} {subject}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
}
