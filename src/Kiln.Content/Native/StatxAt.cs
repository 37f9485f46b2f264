using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

/// <summary>statx of a name relative to an open directory, the one way the store's and the build's path walkers stat.</summary>
internal static class StatxAt
{
    /// <returns>False when the name does not exist (ENOENT); any other failure is an <see cref="IOException"/>.</returns>
    public static unsafe bool TryGet(SafeFileHandle directory, string name, int flags, uint mask, out StatxBuffer buffer)
    {
        var path = Encoding.UTF8.GetBytes(name + "\0");
        var added = false;
        directory.DangerousAddRef(ref added);
        try
        {
            fixed (byte* p = path)
            fixed (StatxBuffer* result = &buffer)
            {
                if (Libc.Statx((int)directory.DangerousGetHandle(), p, flags, mask, result) == 0)
                {
                    return true;
                }
            }

            var errno = Marshal.GetLastPInvokeError();
            return errno is LinuxErrno.ENOENT ? false : throw LinuxErrno.ToException(errno, "stat", name);
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }
    }
}
