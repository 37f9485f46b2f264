using System.Runtime.InteropServices;

namespace Kiln.Runtime.Linux.Native;

internal static partial class Libc
{
    // https://man7.org/linux/man-pages/man2/chown.2.html
    // A cache mount's directory takes the uid and gid its RUN --mount names.
    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Chown(string path, uint owner, uint group);
}
