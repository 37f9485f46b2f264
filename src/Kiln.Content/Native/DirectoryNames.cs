using System.Runtime.InteropServices;
using Kiln.Content.Paths;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Native;

/// <summary>
/// The names in a directory we hold a descriptor for (an O_PATH one too), read with readdir as the kernel gives
/// them. System.IO's enumeration decodes names lossily (a byte that is not UTF-8 becomes U+FFFD), so the file it
/// reports is not the one on disk; here each name is carried through <see cref="FileNameEncoding"/>.
/// </summary>
internal static class DirectoryNames
{
    /// <summary>Every name but "." and "..", sorted by bytes (Go's filepath.Walk order, and a canonical order for digests).</summary>
    public static List<string> List(SafeFileHandle directory, string display)
    {
        // A fresh O_RDONLY descriptor of the same directory: readdir needs one (O_PATH descriptors cannot be read),
        // and its position is our own.
        var fd = Libc.Openat(directory, ".", LinuxFlags.ORdOnly | LinuxFlags.ODirectory | LinuxFlags.OCloExec, 0);
        if (fd < 0)
        {
            throw LinuxErrno.LastError("open directory", display);
        }

        var stream = Libc.Fdopendir(fd);
        if (stream == 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = Libc.Close(fd);
            throw LinuxErrno.ToException(errno, "open directory", display);
        }

        try
        {
            return Read(stream, display);
        }
        finally
        {
            _ = Libc.Closedir(stream);
        }
    }

    private static unsafe List<string> Read(nint stream, string display)
    {
        var names = new List<string>();
        while (true)
        {
            var entry = Libc.Readdir(stream);
            if (entry is null)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != 0)
                {
                    throw LinuxErrno.ToException(errno, "read directory", display);
                }

                names.Sort(FileNameEncoding.ByteOrder);
                return names;
            }

            var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + Libc.DirentNameOffset);
            if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
            {
                names.Add(FileNameEncoding.Decode(name));
            }
        }
    }
}
