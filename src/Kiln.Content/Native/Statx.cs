using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

// https://man7.org/linux/man-pages/man2/statx.2.html
// statx rather than fstatat: struct statx has one layout on every architecture, struct stat does not.
// buffer is 256 bytes (sizeof(struct statx)); stx_mode is the u16 at offset 28.
internal static unsafe partial class Statx
{
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Invoke(SafeFileHandle dirfd, string path, int flags, uint mask, byte* buffer);
}
