using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

// https://man7.org/linux/man-pages/man2/mknodat.2.html
// dev is glibc's 64-bit dev_t: makedev(major, minor) as computed by LinuxFlags.MakeDevice.
internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "mknodat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    internal static partial int Mknodat(SafeFileHandle dirfd, string path, uint mode, ulong dev);
}
