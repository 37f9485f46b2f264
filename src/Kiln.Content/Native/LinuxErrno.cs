using System.Runtime.InteropServices;
using Kiln.Content.Paths;

namespace Kiln.Content.Native;

// Linux errno values (asm-generic/errno-base.h and errno.h), identical on every architecture .NET runs on, and
// the one way a failed call becomes an exception.
// https://man7.org/linux/man-pages/man3/errno.3.html
internal static class LinuxErrno
{
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int EINTR = 4;
    internal const int EAGAIN = 11;
    internal const int EACCES = 13;
    internal const int EEXIST = 17;
    internal const int EXDEV = 18;
    internal const int ENOTDIR = 20;
    internal const int EISDIR = 21;
    internal const int EINVAL = 22;
    internal const int EPIPE = 32;
    internal const int ERANGE = 34;
    internal const int ENOSYS = 38;
    internal const int ENAMETOOLONG = 36;
    internal const int ENOTEMPTY = 39;
    internal const int ELOOP = 40;
    internal const int ENODATA = 61;
    internal const int EOPNOTSUPP = 95;

    /// <summary>The last P/Invoke error as an IOException naming the operation and the path.</summary>
    internal static IOException LastError(string operation, string path) => ToException(Marshal.GetLastPInvokeError(), operation, path);

    internal static IOException ToException(int errno, string operation, string path) =>
        new($"{operation} {FileNameEncoding.Display(path)}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);

    /// <summary>For paths kept as bytes (Linux names need not be UTF-8); the message shows bytes that are not UTF-8 as \xNN.</summary>
    internal static IOException ToException(int errno, string operation, ReadOnlySpan<byte> path) =>
        ToException(errno, operation, FileNameEncoding.Decode(path));
}
