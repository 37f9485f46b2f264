using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

// https://man7.org/linux/man-pages/man2/openat.2.html
// openat is variadic in C (mode is read only with O_CREAT/O_TMPFILE); on the Linux ABIs .NET targets the
// variadic and fixed calling conventions agree for integer arguments, so a fixed signature is safe.
internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    internal static partial int Openat(SafeFileHandle dirfd, string path, int flags, uint mode);

    /// <summary>For names read from a directory, which are bytes (NUL-terminated here) and need not be UTF-8.</summary>
    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    internal static partial int Openat(SafeFileHandle dirfd, byte* path, int flags, uint mode);
}
