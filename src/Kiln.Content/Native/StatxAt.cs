using System.Runtime.InteropServices;
using Kiln.Content.Paths;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

/// <summary>statx of a name relative to an open directory (the store's and the build's path walkers) or of a path.</summary>
internal static class StatxAt
{
    /// <returns>False when the name does not exist (ENOENT); any other failure is an <see cref="IOException"/>.</returns>
    public static bool TryGet(SafeFileHandle directory, string name, int flags, uint mask, out StatxBuffer buffer)
    {
        var added = false;
        directory.DangerousAddRef(ref added);
        try
        {
            return TryGet((int)directory.DangerousGetHandle(), name, flags, mask, out buffer);
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }
    }

    /// <summary>statx of a path as it is (absolute, or relative to the working directory).</summary>
    public static bool TryGetPath(string path, int flags, uint mask, out StatxBuffer buffer) =>
        TryGet(LinuxFlags.AtFdCwd, path, flags, mask, out buffer);

    private static unsafe bool TryGet(int directory, string name, int flags, uint mask, out StatxBuffer buffer)
    {
        var path = FileNameEncoding.Encode(name + "\0");
        fixed (byte* p = path)
        fixed (StatxBuffer* result = &buffer)
        {
            if (Libc.Statx(directory, p, flags, mask, result) == 0)
            {
                return true;
            }
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is LinuxErrno.ENOENT ? false : throw LinuxErrno.ToException(errno, "stat", name);
    }
}
