using System.Buffers;
using System.Runtime.InteropServices;
using Kiln.Content.Native;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.IO;

/// <summary>
/// Copies a file's data from one descriptor to another inside the kernel: <c>copy_file_range</c> (a reflink or a
/// server-side copy where the filesystem can), else <c>sendfile</c> (across filesystems, e.g. from the context into
/// an overlay), else a plain read/write loop. One or two system calls per file instead of a user-space buffer
/// shuttled through async I/O, which made copying many small files slow.
/// </summary>
internal static class FileCopy
{
    /// <summary>Largest request per call: both calls take a size_t but Linux caps one call at about 2 GiB anyway.</summary>
    private const int MaxChunk = 1 << 30;

    /// <summary>Copies from the source's position to its end into the target at its position; returns the bytes copied.</summary>
    public static unsafe long Copy(SafeFileHandle source, SafeFileHandle target, string display)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        long total = 0;
        var useCopyFileRange = true;
        while (true)
        {
            nint copied;
            if (useCopyFileRange)
            {
                copied = Libc.CopyFileRange(source, null, target, null, MaxChunk, 0);
                if (copied < 0 && Marshal.GetLastPInvokeError() is LinuxErrno.EXDEV or LinuxErrno.EINVAL or LinuxErrno.EOPNOTSUPP or LinuxErrno.ENOSYS && total == 0)
                {
                    // Different filesystems, or one that cannot: sendfile works between any two regular files.
                    useCopyFileRange = false;
                    continue;
                }
            }
            else
            {
                copied = Libc.Sendfile(target, source, null, MaxChunk);
                if (copied < 0 && Marshal.GetLastPInvokeError() is LinuxErrno.EINVAL or LinuxErrno.ENOSYS && total == 0)
                {
                    return CopyThroughBuffer(source, target);
                }
            }

            if (copied < 0)
            {
                if (Marshal.GetLastPInvokeError() == LinuxErrno.EINTR)
                {
                    continue;
                }

                throw LinuxErrno.LastError("copy", display);
            }

            if (copied == 0)
            {
                return total;
            }

            total += copied;
        }
    }

    private static long CopyThroughBuffer(SafeFileHandle source, SafeFileHandle target)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            long total = 0;
            while (RandomAccess.Read(source, buffer, total) is var read and > 0)
            {
                RandomAccess.Write(target, buffer.AsSpan(0, read), total);
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
