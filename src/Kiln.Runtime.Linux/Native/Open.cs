using System.Runtime.InteropServices;

namespace Kiln.Runtime.Linux.Native;

internal static partial class Libc
{
    public const int ODirectory = 0x10000;
    public const int OCloExec = 0x80000;

    // https://man7.org/linux/man-pages/man2/open.2.html
    // A raw directory descriptor for ioctl (SpreadDirectories); lock files go through Kiln.Content's FileLock.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);
}
