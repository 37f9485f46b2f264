using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Kiln.Build.Context;
using Kiln.Content.IO;
using Kiln.Content.Native;
using Kiln.Content.Paths;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Build.Copy;

/// <summary>
/// Every write COPY/ADD makes into the target root. Paths are resolved with <see cref="RootDirectory"/> (symlinks
/// followed only inside the root) and every change is an *at() call on a directory descriptor with the final name
/// never followed, so a symlink in the stage cannot send a write outside it.
/// </summary>
internal sealed class TargetWriter
{
    private const int CopyBufferSize = 128 * 1024;
    private readonly List<string> _warnings = [];
    private int _entries;

    public TargetWriter(RootDirectory root, CopyOptions options)
    {
        Root = root;
        Privileged = options.Privileged ?? Environment.IsPrivilegedProcess;
        Timestamp = options.Timestamp is { } t ? FileTime.Of(t) : null;
    }

    public RootDirectory Root { get; }

    public bool Privileged { get; }

    /// <summary>SOURCE_DATE_EPOCH-style fixed time for every entry; null keeps source times.</summary>
    public FileTime? Timestamp { get; }

    /// <summary>How many entries were made; files may be made on several threads at once.</summary>
    public int Entries => Volatile.Read(ref _entries);

    public ImmutableArray<string> Warnings
    {
        get
        {
            lock (_warnings)
            {
                return [.. _warnings];
            }
        }
    }

    public void Warn(string warning)
    {
        lock (_warnings)
        {
            _warnings.Add(warning);
        }
    }

    /// <summary>
    /// mkdir -p inside the root (fsutil's MkdirAll): each missing directory is created 0755, owned by
    /// <paramref name="owner"/> when --chown was given (else by root), with the fixed timestamp when there is one.
    /// Returns the physical components of the directory.
    /// </summary>
    public ImmutableArray<string> EnsureDirectory(ImmutableArray<string> components, CopyOwner? owner)
    {
        for (var i = 1; i <= components.Length; i++)
        {
            using var location = Root.Resolve(components[..i], followFinal: true, createParents: false);
            if (location.IsRoot)
            {
                continue;
            }

            if (location.Parent is null)
            {
                // A symlink on the way points at a directory chain that does not exist yet: create that chain
                // (its physical path, symlinks already resolved inside the root), then continue from here.
                EnsureDirectory(location.Components[..^1], owner);
                i--;
                continue;
            }

            var parent = location.Parent;
            var stat = FileStat.Of(parent, location.Name);
            if (stat is null)
            {
                Check(Libc.Mkdirat(parent, location.Name, 0x1ED), "mkdir", location.RelativePath);
                Interlocked.Increment(ref _entries);
                if (owner is { } o)
                {
                    Chown(parent, location.Name, o, location.RelativePath);
                }

                ChmodNoFollow(parent, location.Name, 0x1ED, LinuxFlags.SIfDir, location.RelativePath);
                if (Timestamp is { } time)
                {
                    SetTimes(parent, location.Name, time, location.RelativePath);
                }
            }
            else if (!stat.Value.IsDirectory)
            {
                throw new CopyException($"cannot copy to non-directory: /{location.RelativePath}");
            }
        }

        using var final = Root.Resolve(components, followFinal: true, createParents: false);
        return final.Components;
    }

    /// <summary>
    /// Makes room for an entry: an existing non-directory is removed; an existing directory stays when a directory
    /// is wanted (returns true) and is an error when something else is.
    /// </summary>
    public static bool Prepare(SafeFileHandle directory, string name, bool wantDirectory, string display)
    {
        if (FileStat.Of(directory, name) is not { } existing)
        {
            return false;
        }

        if (existing.IsDirectory)
        {
            return wantDirectory
                ? true
                : throw new CopyException($"cannot replace to directory /{display} with file");
        }

        if (wantDirectory)
        {
            throw new CopyException($"cannot copy to non-directory: /{display}");
        }

        if (Libc.Unlinkat(directory, name, 0) != 0 && Marshal.GetLastPInvokeError() != LinuxErrno.ENOENT)
        {
            throw LinuxErrno.LastError("remove", "/" + display);
        }

        return false;
    }

    public async Task CreateFileAsync(SafeFileHandle directory, string name, Stream content, string display, CancellationToken cancellationToken)
    {
        await using var file = new BlockingFileStream(CreateFile(directory, name, display), FileAccess.Write);
        await content.CopyToAsync(file, CopyBufferSize, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _entries);
    }

    /// <summary>A new file with the data of an open regular file, copied by the kernel (<see cref="FileCopy"/>).</summary>
    public void CopyFile(SafeFileHandle directory, string name, SafeFileHandle source, string display)
    {
        using var file = CreateFile(directory, name, display);
        FileCopy.Copy(source, file, "/" + display);
        Interlocked.Increment(ref _entries);
    }

    public void CreateEmptyFile(SafeFileHandle directory, string name, string display)
    {
        CreateFile(directory, name, display).Dispose();
        Interlocked.Increment(ref _entries);
    }

    private static SafeFileHandle CreateFile(SafeFileHandle directory, string name, string display)
    {
        var fd = Libc.Openat(directory, name, LinuxFlags.OWrOnly | LinuxFlags.OCreat | LinuxFlags.OExcl | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0x180);
        return fd < 0 ? throw LinuxErrno.LastError("create", "/" + display) : new SafeFileHandle(fd, ownsHandle: true);
    }

    public void CreateDirectory(SafeFileHandle directory, string name, string display)
    {
        // 0700 until the entry's own mode is applied after its contents (a read-only source directory must still fill).
        Check(Libc.Mkdirat(directory, name, 0x1C0), "mkdir", display);
        Interlocked.Increment(ref _entries);
    }

    public void CreateSymlink(SafeFileHandle directory, string name, string target, string display)
    {
        Check(Libc.Symlinkat(target, directory, name), "symlink", display);
        Interlocked.Increment(ref _entries);
    }

    public void CreateHardLink(SafeFileHandle fromDirectory, string fromName, SafeFileHandle directory, string name, string display)
    {
        Check(Libc.Linkat(fromDirectory, fromName, directory, name, 0), "link", display);
        Interlocked.Increment(ref _entries);
    }

    /// <summary>Creates a FIFO or (as root) a device node; returns false when it had to be skipped.</summary>
    public bool CreateNode(SafeFileHandle directory, string name, uint type, uint major, uint minor, string display)
    {
        if (type != LinuxFlags.SIfIfo && !Privileged)
        {
            Warn($"skipped device node /{display}: creating devices needs root");
            return false;
        }

        var device = type == LinuxFlags.SIfIfo ? 0 : LinuxFlags.MakeDevice(major, minor);
        Check(Libc.Mknodat(directory, name, type | 0x180, device), "mknod", display);
        Interlocked.Increment(ref _entries);
        return true;
    }

    public void Chown(SafeFileHandle directory, string name, CopyOwner owner, string display)
    {
        if (!Privileged)
        {
            return;
        }

        Check(Libc.Fchownat(directory, name, owner.Uid, owner.Gid, LinuxFlags.AtSymlinkNoFollow), "chown", display);
    }

    /// <summary>
    /// Copies xattrs as BuildKit does: all of them, and a failure (no CAP_SETFCAP, user.* on a symlink, a filesystem
    /// without xattrs) is logged and skipped, never fatal.
    /// </summary>
    public void SetXattrs(SafeFileHandle directory, string name, ImmutableArray<(string Name, byte[] Value)> xattrs, string display)
    {
        foreach (var (key, value) in xattrs)
        {
            if (key.StartsWith("trusted.", StringComparison.Ordinal) && !Privileged)
            {
                Warn($"skipped xattr {key} on /{display}: trusted.* needs root");
                continue;
            }

            if (Libc.Lsetxattr(DirectoryListing.ProcPath(directory, name), key, value, (nuint)value.Length, 0) != 0)
            {
                Warn($"could not set xattr {key} on /{display}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
    }

    /// <summary>
    /// chmod without following: open the name O_PATH|O_NOFOLLOW, check its type, chmod through /proc/self/fd (fchmod
    /// refuses O_PATH descriptors; fchmodat's AT_SYMLINK_NOFOLLOW needs Linux 6.6).
    /// </summary>
    public static void ChmodNoFollow(SafeFileHandle directory, string name, uint mode, uint expectedType, string display)
    {
        var fd = Libc.Openat(directory, name, LinuxFlags.OPath | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0);
        if (fd < 0)
        {
            throw LinuxErrno.LastError("open", "/" + display);
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (FileStat.OfHandle(handle).Type != expectedType)
        {
            throw new IOException($"/{display} changed type while it was being copied");
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }

        File.SetUnixFileMode($"/proc/self/fd/{fd}", (UnixFileMode)(mode & 0xFFF));
    }

    public static unsafe void SetTimes(SafeFileHandle directory, string name, FileTime time, string display)
    {
        var times = stackalloc long[4] { time.Seconds, time.Nanoseconds, time.Seconds, time.Nanoseconds };
        if (Libc.Utimensat(directory, name, times, LinuxFlags.AtSymlinkNoFollow) != 0)
        {
            throw LinuxErrno.LastError("set times", "/" + display);
        }
    }

    private static void Check(int result, string operation, string display)
    {
        if (result != 0)
        {
            throw LinuxErrno.LastError(operation, "/" + display);
        }
    }
}
