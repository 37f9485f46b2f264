using Kiln.Content.IO;
using Kiln.Content.Native;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Build.Context;

/// <summary>Directory reads through descriptors we hold, so a rename or a planted symlink cannot redirect them.</summary>
internal static class DirectoryListing
{
    /// <summary>O_NONBLOCK (04000 octal) on every Linux architecture .NET runs on.</summary>
    private const int ONonBlock = 0x800;

    /// <summary>The names in a directory, sorted by their bytes (Go's filepath.Walk order, and a canonical order for digests).</summary>
    public static List<string> List(SafeFileHandle directory, string display) => DirectoryNames.List(directory, "/" + display);

    /// <summary>Opens a child directory with O_NOFOLLOW: a symlink there fails instead of being followed.</summary>
    public static SafeFileHandle OpenChild(SafeFileHandle parent, string name, string display)
    {
        var fd = Libc.Openat(parent, name, LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0);
        return fd < 0 ? throw LinuxErrno.LastError("open directory", "/" + display) : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Opens a regular file for reading without following a symlink at its name.</summary>
    public static SafeFileHandle OpenFileForRead(SafeFileHandle parent, string name, string display)
    {
        // O_NONBLOCK: if the name was swapped for a FIFO since we looked, the open must not hang the build.
        var fd = Libc.Openat(parent, name, LinuxFlags.ONoFollow | LinuxFlags.OCloExec | ONonBlock, 0);
        if (fd < 0)
        {
            throw LinuxErrno.LastError("open", "/" + display);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (!FileStat.OfHandle(handle).IsRegularFile)
        {
            handle.Dispose();
            throw new IOException($"/{display} changed type while it was being copied");
        }

        return handle;
    }

    public static string ProcPath(SafeFileHandle parent, string name) => $"/proc/self/fd/{parent.DangerousGetHandle()}/{name}";
}
