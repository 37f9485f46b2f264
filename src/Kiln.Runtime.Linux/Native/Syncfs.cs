using System.Runtime.InteropServices;
using Kiln.Content.Store;
using LinuxErrno = Kiln.Content.Native.LinuxErrno;
using LinuxFlags = Kiln.Content.Native.LinuxFlags;

namespace Kiln.Runtime.Linux.Native;

internal static partial class Libc
{
    // https://man7.org/linux/man-pages/man2/syncfs.2.html
    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    public static partial int Syncfs(int fd);
}

internal static class FilesystemSync
{
    /// <summary>Writes everything of the filesystem that holds <paramref name="directory"/> to disk (syncfs).</summary>
    public static void Sync(string directory)
    {
        using var handle = RawFile.Open(directory, LinuxFlags.ORdOnly | LinuxFlags.ODirectory);
        if (Libc.Syncfs(RawFile.Fd(handle)) != 0)
        {
            throw LinuxErrno.LastError("syncfs", directory);
        }
    }
}
