using System.Collections.Immutable;
using Kiln.Content.Native;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Paths;

/// <summary>
/// An open directory that paths are resolved inside, as if it were "/" (a chroot done in user space).
/// </summary>
/// <remarks>
/// Why descriptors and not strings: every step is an openat() relative to a directory descriptor we already hold,
/// with O_NOFOLLOW, so the kernel never follows a symlink for us. Symlinks are read with readlinkat() and their
/// targets resolved here, inside the root (absolute targets restart at the root, ".." stops at the root). If a
/// directory is swapped for a symlink between our check and our use, the O_NOFOLLOW|O_DIRECTORY open fails instead
/// of following it, and we re-examine the component. Callers then act on (parent descriptor, final name) with the
/// *at() calls, so the final operation cannot be redirected either. The same approach as the kernel's
/// openat2(RESOLVE_IN_ROOT), done in user space so that it works on every kernel.
/// </remarks>
internal sealed class RootDirectory : IDisposable
{
    private RootDirectory(string path, SafeFileHandle handle)
    {
        Path = path;
        Handle = handle;
    }

    /// <summary>The root as given (trusted: it comes from our own configuration, not from the input).</summary>
    public string Path { get; }

    public SafeFileHandle Handle { get; }

    public static RootDirectory Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        using var cwd = new SafeFileHandle(LinuxFlags.AtFdCwd, ownsHandle: false);
        var fd = Libc.Openat(cwd, full, LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.OCloExec, 0);
        if (fd < 0)
        {
            throw LinuxErrno.LastError("open root", full);
        }

        return new RootDirectory(full, new SafeFileHandle(fd, ownsHandle: true));
    }

    /// <summary>
    /// Resolves <paramref name="components"/> (relative to the root) physically, symlinks followed inside the root.
    /// The final component is followed only when <paramref name="followFinal"/> is set. Missing parent directories
    /// are created (mode 0755) when <paramref name="createParents"/> is set, else reported by a null parent.
    /// </summary>
    public ResolvedLocation Resolve(IReadOnlyList<string> components, bool followFinal, bool createParents)
    {
        var pending = new Stack<string>();
        for (var i = components.Count - 1; i >= 0; i--)
        {
            pending.Push(components[i]);
        }

        var resolved = new List<string>();
        SafeFileHandle current = Handle;
        var ownsCurrent = false;
        var budget = SecureJoin.MaxSymlinks;
        try
        {
            while (pending.Count > 0)
            {
                var name = pending.Pop();
                if (name.Length == 0 || name == ".")
                {
                    continue;
                }

                if (name == "..")
                {
                    // ".." of the root is the root, as in a chroot; elsewhere it pops the physical path.
                    if (resolved.Count > 0)
                    {
                        resolved.RemoveAt(resolved.Count - 1);
                        Replace(ref current, ref ownsCurrent, OpenDirectory(resolved));
                    }

                    continue;
                }

                CheckComponent(name);
                var isLast = pending.Count == 0;
                var mode = StatMode(current, name);
                if (mode is null)
                {
                    if (isLast)
                    {
                        return Located(current, ref ownsCurrent, name, resolved);
                    }

                    if (!createParents)
                    {
                        // Nothing below a missing directory exists: finish lexically.
                        resolved.Add(name);
                        while (pending.Count > 0)
                        {
                            var rest = pending.Pop();
                            if (rest == "..")
                            {
                                if (resolved.Count > 0)
                                {
                                    resolved.RemoveAt(resolved.Count - 1);
                                }
                            }
                            else if (rest.Length > 0 && rest != ".")
                            {
                                resolved.Add(rest);
                            }
                        }

                        var final = resolved.Count > 0 ? resolved[^1] : string.Empty;
                        return new ResolvedLocation(null, false, final, [.. resolved]);
                    }

                    if (Libc.Mkdirat(current, name, 0x1ED /* 0755 */) != 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != LinuxErrno.EEXIST)
                    {
                        throw LinuxErrno.LastError("mkdir", Display(resolved, name));
                    }

                    pending.Push(name);
                    continue;
                }

                var type = mode.Value & LinuxFlags.SIfMt;
                if (type == LinuxFlags.SIfLnk && (!isLast || followFinal))
                {
                    if (--budget < 0)
                    {
                        throw new UnsafePathException($"too many levels of symbolic links resolving {Display(resolved, name)} (more than {SecureJoin.MaxSymlinks})");
                    }

                    var target = ReadLink(current, name, Display(resolved, name));
                    if (target.StartsWith('/'))
                    {
                        resolved.Clear();
                        Replace(ref current, ref ownsCurrent, Handle, owns: false);
                    }

                    var parts = target.Split('/');
                    for (var i = parts.Length - 1; i >= 0; i--)
                    {
                        pending.Push(parts[i]);
                    }

                    continue;
                }

                if (isLast)
                {
                    return Located(current, ref ownsCurrent, name, resolved);
                }

                if (type != LinuxFlags.SIfDir)
                {
                    throw new IOException($"{Display(resolved, name)} is not a directory");
                }

                var fd = Libc.Openat(current, name, LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0);
                if (fd < 0)
                {
                    // Swapped between statx and openat (a directory became a symlink or a file): look again,
                    // paying from the same budget so a hostile flip-flop cannot keep us here.
                    if (--budget < 0)
                    {
                        throw LinuxErrno.LastError("open directory", Display(resolved, name));
                    }

                    pending.Push(name);
                    continue;
                }

                resolved.Add(name);
                Replace(ref current, ref ownsCurrent, new SafeFileHandle(fd, ownsHandle: true));
            }

            // The path ended on ".", ".." or a followed symlink to a directory: name the directory by its parent.
            if (resolved.Count == 0)
            {
                return new ResolvedLocation(Handle, false, string.Empty, []);
            }

            var last = resolved[^1];
            resolved.RemoveAt(resolved.Count - 1);
            var parent = OpenDirectory(resolved);
            resolved.Add(last);
            return new ResolvedLocation(parent, true, last, [.. resolved]);
        }
        finally
        {
            if (ownsCurrent)
            {
                current.Dispose();
            }
        }
    }

    /// <summary>The file type and permission bits of <paramref name="name"/> in <paramref name="directory"/>, not following it; null if absent.</summary>
    public static uint? StatMode(SafeFileHandle directory, string name, int extraFlags = 0) =>
        StatxAt.TryGet(directory, name, LinuxFlags.AtSymlinkNoFollow | extraFlags, LinuxFlags.StatxType | LinuxFlags.StatxMode, out var buffer)
            ? buffer.Mode
            : null;

    public static unsafe string ReadLink(SafeFileHandle directory, string name, string display)
    {
        const int Size = 4096;
        var buffer = stackalloc byte[Size];
        var length = Libc.Readlinkat(directory, name, buffer, Size);
        if (length < 0)
        {
            throw LinuxErrno.LastError("readlink", display);
        }

        if (length >= Size)
        {
            throw new UnsafePathException($"symbolic link {display} has a target longer than {Size - 1} bytes");
        }

        return FileNameEncoding.Decode(new ReadOnlySpan<byte>(buffer, (int)length));
    }

    public void Dispose() => Handle.Dispose();

    /// <summary>Opens a directory whose components are already physical (no symlinks expected).</summary>
    internal SafeFileHandle OpenDirectory(IReadOnlyList<string> physical)
    {
        if (physical.Count == 0)
        {
            return Reopen(Handle);
        }

        SafeFileHandle current = Handle;
        var owns = false;
        try
        {
            for (var i = 0; i < physical.Count; i++)
            {
                var fd = Libc.Openat(current, physical[i], LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0);
                if (fd < 0)
                {
                    throw LinuxErrno.LastError("open directory", "/" + string.Join('/', physical.Take(i + 1)));
                }

                Replace(ref current, ref owns, new SafeFileHandle(fd, ownsHandle: true));
            }

            owns = false;
            return current;
        }
        finally
        {
            if (owns)
            {
                current.Dispose();
            }
        }
    }

    private static SafeFileHandle Reopen(SafeFileHandle directory)
    {
        var fd = Libc.Openat(directory, ".", LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.OCloExec, 0);
        return fd < 0 ? throw LinuxErrno.LastError("open directory", "/") : new SafeFileHandle(fd, ownsHandle: true);
    }

    private static ResolvedLocation Located(SafeFileHandle current, ref bool ownsCurrent, string name, List<string> resolved)
    {
        var owns = ownsCurrent;
        ownsCurrent = false;
        return new ResolvedLocation(current, owns, name, [.. resolved, name]);
    }

    private static void Replace(ref SafeFileHandle current, ref bool ownsCurrent, SafeFileHandle next, bool owns = true)
    {
        if (ownsCurrent)
        {
            current.Dispose();
        }

        current = next;
        ownsCurrent = owns;
    }

    private static void CheckComponent(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new UnsafePathException("a path component contains a NUL byte");
        }

        if (FileNameEncoding.GetByteCount(name) > 255)
        {
            throw new UnsafePathException($"path component \"{FileNameEncoding.Display(name[..32])}...\" is longer than 255 bytes (NAME_MAX)");
        }
    }

    private static string Display(List<string> resolved, string name) =>
        FileNameEncoding.Display("/" + string.Join('/', resolved.Append(name)));
}
