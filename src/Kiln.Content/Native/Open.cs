using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

/// <summary>
/// open(2), for the two things .NET's FileStream cannot do: open a directory (to fsync it after a rename)
/// and open a lock file without .NET's own implicit, non-blocking flock.
/// https://man7.org/linux/man-pages/man2/open.2.html
/// </summary>
internal static partial class Open
{
    public const int ReadOnly = 0x0;
    public const int ReadWrite = 0x2;
    public const int Create = 0x40;
    public const int NoFollow = 0x20000;
    public const int Directory = 0x10000;
    public const int CloseOnExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Call(string path, int flags, uint mode);
}
