using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    public const int FsmountCloexec = 1;
    public const int MountAttrRdonly = 1;

    // https://man7.org/linux/man-pages/man2/fsmount.2.html (glibc >= 2.36)
    [LibraryImport("libc", EntryPoint = "fsmount", SetLastError = true)]
    public static partial int Fsmount(int fsFd, int flags, int attributes);
}
