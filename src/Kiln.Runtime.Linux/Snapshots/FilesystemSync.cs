using Kiln.Content.Native;
using Kiln.Content.Store;

namespace Kiln.Runtime.Linux.Snapshots;

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
