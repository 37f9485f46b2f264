using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    public const int FsopenCloexec = 1;

    // https://man7.org/linux/man-pages/man2/fsopen.2.html (glibc >= 2.36)
    [LibraryImport("libc", EntryPoint = "fsopen", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int Fsopen(string filesystemName, int flags);
}
