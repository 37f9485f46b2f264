using Kiln.Content.Native;
using Kiln.Content.Store;

namespace Kiln.Runtime.Linux.Snapshots;

/// <summary>The mode and owner a RUN --mount asks for, on a file or directory kiln (root) just made.</summary>
internal static class FileOwnership
{
    public static void Set(string path, UnixFileMode mode, uint uid, uint gid)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("containers run on Linux only");
        }

        File.SetUnixFileMode(path, mode);

        // What kiln makes is root's already: 0:0 needs no call.
        if (uid == 0 && gid == 0)
        {
            return;
        }

        using var parent = RawFile.Open(Path.GetDirectoryName(path)!, LinuxFlags.ORdOnly | LinuxFlags.ODirectory);
        if (Libc.Fchownat(parent, Path.GetFileName(path), uid, gid, LinuxFlags.AtSymlinkNoFollow) != 0)
        {
            throw LinuxErrno.LastError("chown", path);
        }
    }
}
