using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

// https://man7.org/linux/man-pages/man2/fchmod.2.html
internal static unsafe partial class Fchmod
{
    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Invoke(SafeFileHandle fd, uint mode);
}
