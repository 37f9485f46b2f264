using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    /// <summary>Lazy unmount: the mount leaves the namespace now and goes away when its last user does.</summary>
    public const int MntDetach = 2;

    /// <summary>Do not follow a symlink at the mount point (a container could have planted one).</summary>
    public const int UmountNoFollow = 8;

    // https://man7.org/linux/man-pages/man2/umount2.2.html
    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int Umount2(string target, int flags);
}
