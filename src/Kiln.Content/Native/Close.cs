using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

/// <summary>close(2), for descriptors from <see cref="Open"/>. https://man7.org/linux/man-pages/man2/close.2.html</summary>
internal static partial class Close
{
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Call(int fd);
}
