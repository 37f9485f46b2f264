using Kiln.Content.Native;
using Kiln.Content.Store;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Runtime.Linux.Snapshots;

/// <summary>
/// Marks a directory as the top of hierarchies (<c>chattr +T</c>), so that ext4 places each new subdirectory (a
/// step's upper, a layer being unpacked) in a block group of its own choosing rather than its parent's.
/// </summary>
/// <remarks>
/// Without it every new tree lands in the block groups where the previous ones were just deleted (prune, a
/// removed mount). On ext4 without a journal the inode allocator then steps over each recently deleted inode one
/// by one (<c>recently_deleted</c> in fs/ext4/ialloc.c): measured here, a 20,000-file COPY right after a prune took
/// 9-17 s instead of 3-6 s. Elsewhere the flag is a harmless hint, and where it cannot be set (another filesystem,
/// no CAP_LINUX_IMMUTABLE) nothing changes.
/// </remarks>
internal static class SpreadDirectories
{
    public static unsafe void TryMark(string directory)
    {
        SafeFileHandle handle;
        try
        {
            handle = RawFile.Open(directory, LinuxFlags.ORdOnly | LinuxFlags.ODirectory);
        }
        catch (IOException)
        {
            return;
        }

        using (handle)
        {
            var fd = RawFile.Fd(handle);
            int flags;
            if (Libc.Ioctl(fd, Libc.FsIocGetFlags, &flags) != 0 || (flags & Libc.FsTopDirFlag) != 0)
            {
                return;
            }

            flags |= Libc.FsTopDirFlag;
            _ = Libc.Ioctl(fd, Libc.FsIocSetFlags, &flags);
        }
    }
}
