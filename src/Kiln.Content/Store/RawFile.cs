using System.Runtime.InteropServices;
using System.Text;
using Kiln.Content.Native;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Store;

/// <summary>
/// open(2) for what FileStream cannot do: open a directory (to fsync it after a rename), and open a lock file
/// without .NET's implicit non-blocking flock (which would fail, instead of wait, while prune holds the store).
/// </summary>
internal static class RawFile
{
    public static unsafe SafeFileHandle Open(string path, int flags, uint mode = 0)
    {
        var pathZ = Encoding.UTF8.GetBytes(path + "\0");
        int fd;
        fixed (byte* p = pathZ)
        {
            fd = Libc.Open(p, flags | LinuxFlags.OCloExec, mode);
        }

        return fd < 0
            ? throw LinuxErrno.ToException(Marshal.GetLastPInvokeError(), "open", pathZ.AsSpan(0, pathZ.Length - 1))
            : new SafeFileHandle(fd, ownsHandle: true);
    }

    public static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    public static void SyncDirectory(string path)
    {
        using var directory = Open(path, LinuxFlags.ORdOnly | LinuxFlags.ODirectory);
        if (Libc.Fsync(Fd(directory)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot fsync {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }
}
