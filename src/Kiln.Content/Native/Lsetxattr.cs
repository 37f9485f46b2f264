using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

// https://man7.org/linux/man-pages/man2/lsetxattr.2.html
// There is no lsetxattrat: callers pass /proc/self/fd/DIRFD/NAME, which pins the directory by descriptor and
// does not follow NAME itself, so a swapped parent cannot redirect the write.
internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    internal static partial int Lsetxattr(string path, string name, ReadOnlySpan<byte> value, nuint size, int flags);
}
