using System.Runtime.InteropServices;
using Kiln.Content.Native;
using Kiln.Content.Paths;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.IO;

/// <summary>
/// The names in a directory held open (an O_PATH one too), as the bytes readdir gives them: Linux names need not be
/// UTF-8, and a name read here must reach the next *at() call unchanged. System.IO's enumeration decodes names lossily
/// (a byte that is not UTF-8 becomes U+FFFD), so the file it reports is not the one on disk. No path is formed, so the
/// directory may be at any depth.
/// </summary>
internal static class DirectoryNames
{
    /// <summary>
    /// Every name but <c>.</c> and <c>..</c> as a string that carries its bytes (<see cref="FileNameEncoding"/>), sorted
    /// by bytes: Go's filepath.Walk order, and a canonical order for digests.
    /// </summary>
    public static List<string> List(SafeFileHandle directory, string display)
    {
        var names = Read(directory, display).ConvertAll(name => FileNameEncoding.Decode(name));
        names.Sort(FileNameEncoding.ByteOrder);
        return names;
    }

    /// <summary>Every name but <c>.</c> and <c>..</c>, in the order the filesystem lists them.</summary>
    public static unsafe List<byte[]> Read(SafeFileHandle directory, string display)
    {
        // A descriptor of its own for the stream, which closedir closes: the caller's stays open for its *at() calls
        // (and may be O_PATH, which readdir cannot read).
        int fd;
        fixed (byte* dot = ".\0"u8)
        {
            fd = Libc.Openat(directory, dot, LinuxFlags.ORdOnly | LinuxFlags.ODirectory | LinuxFlags.OCloExec, 0);
        }

        if (fd < 0)
        {
            throw LinuxErrno.LastError("open directory", display);
        }

        var stream = Libc.Fdopendir(fd);
        if (stream == 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = Libc.Close(fd);
            throw LinuxErrno.ToException(errno, "opendir", display);
        }

        try
        {
            var names = new List<byte[]>();
            while (true)
            {
                var entry = Libc.Readdir(stream);
                if (entry is null)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    return errno == 0 ? names : throw LinuxErrno.ToException(errno, "readdir", display);
                }

                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + Libc.DirentNameOffset);
                if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
                {
                    names.Add(name.ToArray());
                }
            }
        }
        finally
        {
            _ = Libc.Closedir(stream);
        }
    }
}
