using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    public const int FsconfigSetFlag = 0;
    public const int FsconfigSetString = 1;
    public const int FsconfigCmdCreate = 6;

    // https://man7.org/linux/man-pages/man2/fsconfig.2.html (glibc >= 2.36)
    // One parameter per call: overlayfs (Linux >= 6.8) takes "lowerdir+" once per layer, so a chain is not bound
    // by the one-page limit of mount(2)'s option string.
    [LibraryImport("libc", EntryPoint = "fsconfig", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int Fsconfig(int fd, int command, string? key, string? value, int auxiliary);
}
