using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

// https://man7.org/linux/man-pages/man2/readlinkat.2.html
internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    internal static partial nint Readlinkat(SafeFileHandle dirfd, string path, byte* buffer, nuint size);

    /// <summary>For names read from a directory, which are bytes (NUL-terminated here) and need not be UTF-8.</summary>
    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    internal static partial nint Readlinkat(SafeFileHandle dirfd, byte* path, byte* buffer, nuint size);
}
