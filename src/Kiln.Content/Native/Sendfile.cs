using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

// https://man7.org/linux/man-pages/man2/sendfile.2.html
internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "sendfile", SetLastError = true)]
    internal static partial nint Sendfile(SafeFileHandle outFd, SafeFileHandle inFd, long* offset, nuint count);
}
