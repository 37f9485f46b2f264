using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    public const ulong MsRdonly = 0x1;
    public const ulong MsRec = 0x4000;
    public const ulong MsSlave = 0x80000;

    // https://man7.org/linux/man-pages/man2/mount.2.html
    // The options string is copied into one page by the kernel: longer overlay option strings need fsconfig.
    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int Mount(string? source, string target, string? filesystemType, ulong flags, string? data);
}
