using System.Runtime.InteropServices;

namespace Kiln.Runtime.Linux.Native;

internal static partial class Libc
{
    // https://man7.org/linux/man-pages/man2/syncfs.2.html
    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    public static partial int Syncfs(int fd);
}

internal static class FilesystemSync
{
    /// <summary>
    /// Writes everything of the filesystem that holds <paramref name="directory"/> to disk (syncfs): one call for a
    /// whole tree of new files, where an fsync per file would wait for the disk once per file. A writeback error
    /// since the last call fails it.
    /// </summary>
    public static void Sync(string directory)
    {
        var fd = Libc.Open(directory, Libc.ODirectory | Libc.OCloExec, 0);
        if (fd < 0)
        {
            throw Errno.Last("open", directory);
        }

        try
        {
            if (Libc.Syncfs(fd) != 0)
            {
                throw Errno.Last("syncfs", directory);
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }
}
