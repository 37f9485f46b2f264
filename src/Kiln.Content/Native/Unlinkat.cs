using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

// https://man7.org/linux/man-pages/man2/unlinkat.2.html
internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    internal static partial int Unlinkat(SafeFileHandle dirfd, string path, int flags);

    /// <summary>For names read from a directory, which are bytes (NUL-terminated here) and need not be UTF-8.</summary>
    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true)]
    internal static partial int Unlinkat(SafeFileHandle dirfd, byte* path, int flags);
}
