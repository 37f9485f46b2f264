using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

// https://man7.org/linux/man-pages/man2/utimensat.2.html
// times points at struct timespec[2] {atime, mtime}; on 64-bit Linux a timespec is two longs (sec, nsec).
internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    internal static partial int Utimensat(SafeFileHandle dirfd, string path, long* times, int flags);
}
