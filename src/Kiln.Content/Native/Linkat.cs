using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

// https://man7.org/linux/man-pages/man2/linkat.2.html
internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    internal static partial int Linkat(SafeFileHandle oldDirfd, string oldPath, SafeFileHandle newDirfd, string newPath, int flags);
}
