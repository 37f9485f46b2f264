using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    public const int MoveMountFEmptyPath = 0x4;

    // https://man7.org/linux/man-pages/man2/move_mount.2.html (glibc >= 2.36)
    [LibraryImport("libc", EntryPoint = "move_mount", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int MoveMount(int fromDirFd, string fromPath, int toDirFd, string toPath, int flags);
}
