using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

// https://man7.org/linux/man-pages/man2/copy_file_range.2.html
internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    internal static partial nint CopyFileRange(SafeFileHandle fdIn, long* offsetIn, SafeFileHandle fdOut, long* offsetOut, nuint length, uint flags);
}
