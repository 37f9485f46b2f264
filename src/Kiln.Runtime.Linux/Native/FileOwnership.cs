using LinuxErrno = Kiln.Content.Native.LinuxErrno;

namespace Kiln.Runtime.Linux.Native;

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
        if ((uid != 0 || gid != 0) && Libc.Chown(path, uid, gid) != 0)
        {
            throw LinuxErrno.LastError("chown", path);
        }
    }
}
