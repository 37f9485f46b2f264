using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

/// <summary>
/// flock(2): advisory whole-file locks owned by the open file description, so two kiln processes
/// sharing one store root see each other's locks. https://man7.org/linux/man-pages/man2/flock.2.html
/// </summary>
internal static partial class Flock
{
    public const int Shared = 1;
    public const int Exclusive = 2;
    public const int NonBlocking = 4;
    public const int Unlock = 8;

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Call(int fd, int operation);
}
