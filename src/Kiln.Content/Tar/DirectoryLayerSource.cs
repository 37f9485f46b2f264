using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using Kiln.Content.IO;
using Kiln.Content.Native;
using Kiln.Content.Paths;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Tar;

/// <summary>
/// Writes a directory tree as layer entries. Every entry is described by one lstat (statx with
/// AT_SYMLINK_NOFOLLOW): symlinks are recorded, never followed, and files are opened with O_NOFOLLOW.
/// Order is Docker's and BuildKit's (Go's filepath.Walk): each directory's names sorted by their bytes, a
/// directory before its children, depth first. The root itself is not an entry. Later names of a
/// multiply-linked file (same device and inode) become hard-link entries to the first name written.
/// Sockets are skipped, as Docker does.
/// The walk holds each directory open and reaches every name relative to it (statx, openat, readlinkat; xattrs
/// through <c>/proc/self/fd</c>), never by a path from the root: a tree may be deeper than PATH_MAX (4096 bytes),
/// as a RUN step can make it, and the layer records such names with PAX path records.
/// </summary>
public sealed class DirectoryLayerSource
{
    private readonly byte[] _root;
    private readonly DirectoryLayerOptions _options;

    public DirectoryLayerSource(string root, DirectoryLayerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        _root = FileNameEncoding.Encode(full.Length > 1 ? full.TrimEnd('/') : full);
        _options = options ?? new DirectoryLayerOptions();
    }

    /// <summary>Writes the whole tree as a complete tar archive (entries and the end-of-archive blocks).</summary>
    public async Task WriteAsync(Stream output, CancellationToken cancellationToken)
    {
        using var writer = new DeterministicTarWriter(output, _options.SourceDateEpoch);
        await WriteEntriesAsync(writer, cancellationToken).ConfigureAwait(false);
        await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the tree's entries to <paramref name="writer"/>, leaving the archive open.</summary>
    public async Task WriteEntriesAsync(DeterministicTarWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var display = FileNameEncoding.Display(_root);
        using var root = OpenRoot(Terminated(_root), display);
        var links = new Dictionary<(uint Major, uint Minor, ulong Inode), ImmutableArray<byte>>();
        await WriteDirectoryAsync(writer, root, [], links, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteDirectoryAsync(
        DeterministicTarWriter writer,
        SafeFileHandle directory,
        byte[] relativeDirectory,
        Dictionary<(uint Major, uint Minor, ulong Inode), ImmutableArray<byte>> links,
        CancellationToken cancellationToken)
    {
        var names = DirectoryNames.Read(directory, Display(relativeDirectory));
        names.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[] relative = [.. relativeDirectory, .. name];
            var nameZ = Terminated(name);
            var stat = Lstat(directory, nameZ, relative);
            var type = stat.Mode & LinuxFlags.SIfMt;
            if (type == LinuxFlags.SIfSock)
            {
                continue;
            }

            // The name as a path the l*xattr calls take: the open directory (a magic link) and the name in it, not followed.
            var path = ProcPath(directory, name);
            var pathZ = Terminated(path);
            var relativeName = ImmutableCollectionsMarshal.AsImmutableArray(relative);
            var entry = new TarEntry
            {
                Kind = type switch
                {
                    LinuxFlags.SIfReg => TarEntryKind.RegularFile,
                    LinuxFlags.SIfDir => TarEntryKind.Directory,
                    LinuxFlags.SIfLnk => TarEntryKind.SymbolicLink,
                    LinuxFlags.SIfChr => TarEntryKind.CharacterDevice,
                    LinuxFlags.SIfBlk => TarEntryKind.BlockDevice,
                    LinuxFlags.SIfIfo => TarEntryKind.Fifo,
                    _ => throw new IOException($"{Display(relative)}: unknown file type {type:x}"),
                },
                Name = relativeName,
                Mode = stat.Mode & 0xFFF,
                Uid = _options.Uid ?? stat.Uid,
                Gid = _options.Gid ?? stat.Gid,
                ModificationTime = DateTimeOffset.FromUnixTimeSeconds(stat.MtimeSeconds),
                Xattrs = ReadXattrs(pathZ, _options.IncludeXattr, relative),
            };

            entry = type switch
            {
                LinuxFlags.SIfReg => entry with { Size = checked((long)stat.Size) },
                LinuxFlags.SIfLnk => entry with { LinkName = ReadLink(directory, nameZ, relative) },
                LinuxFlags.SIfChr or LinuxFlags.SIfBlk => entry with { DeviceMajor = stat.RdevMajor, DeviceMinor = stat.RdevMinor },
                _ => entry,
            };

            if (_options.Rewrite?.Invoke(entry, path) is { } replacement)
            {
                // Replacements carry no content and are never hard links: an overlay whiteout is a 0/0 device that
                // overlayfs may hard-link to one shared inode, yet each one stands for its own deleted name.
                foreach (var written in replacement)
                {
                    if (written.Size != 0 || written.Kind == TarEntryKind.HardLink)
                    {
                        throw new InvalidOperationException("a rewritten entry must be content-less and not a hard link");
                    }

                    await writer.WriteEntryAsync(written, null, cancellationToken).ConfigureAwait(false);
                }

                if (type == LinuxFlags.SIfDir)
                {
                    await WriteChildDirectoryAsync(writer, directory, nameZ, relative, links, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (type != LinuxFlags.SIfDir && stat.Nlink > 1)
            {
                var key = (stat.DevMajor, stat.DevMinor, stat.Ino);
                if (links.TryGetValue(key, out var first))
                {
                    await writer.WriteEntryAsync(entry with { Kind = TarEntryKind.HardLink, LinkName = first, Size = 0, DeviceMajor = 0, DeviceMinor = 0 }, null, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                links.Add(key, relativeName);
            }

            switch (type)
            {
                case LinuxFlags.SIfReg:
                    await WriteFileAsync(writer, entry, directory, nameZ, relative, cancellationToken).ConfigureAwait(false);
                    break;
                case LinuxFlags.SIfDir:
                    await writer.WriteEntryAsync(entry, null, cancellationToken).ConfigureAwait(false);
                    await WriteChildDirectoryAsync(writer, directory, nameZ, relative, links, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await writer.WriteEntryAsync(entry, null, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task WriteChildDirectoryAsync(
        DeterministicTarWriter writer,
        SafeFileHandle parent,
        byte[] nameZ,
        byte[] relative,
        Dictionary<(uint Major, uint Minor, ulong Inode), ImmutableArray<byte>> links,
        CancellationToken cancellationToken)
    {
        using var child = OpenDirectory(parent, nameZ, relative);
        await WriteDirectoryAsync(writer, child, [.. relative, (byte)'/'], links, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteFileAsync(DeterministicTarWriter writer, TarEntry entry, SafeFileHandle directory, byte[] nameZ, byte[] relative, CancellationToken cancellationToken)
    {
        if (entry.Size == 0)
        {
            await writer.WriteEntryAsync(entry, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var handle = OpenForReading(directory, nameZ, relative);
        using var content = new BlockingFileStream(handle, FileAccess.Read);
        await writer.WriteEntryAsync(entry, content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The root or a relative name under it, for messages only.</summary>
    private string Display(ReadOnlySpan<byte> relative) =>
        relative.IsEmpty ? FileNameEncoding.Display(_root) : FileNameEncoding.Display(_root) + "/" + FileNameEncoding.Display(relative);

    private static byte[] ProcPath(SafeFileHandle directory, byte[] name) =>
        [.. Encoding.ASCII.GetBytes($"/proc/self/fd/{directory.DangerousGetHandle()}/"), .. name];

    private static byte[] Terminated(byte[] path)
    {
        var result = new byte[path.Length + 1];
        path.CopyTo(result, 0);
        return result;
    }

    /// <summary>Opens the root, which must be a directory itself (a symlink is not followed to one).</summary>
    private static unsafe SafeFileHandle OpenRoot(byte[] pathZ, string display)
    {
        int fd;
        fixed (byte* path = pathZ)
        {
            fd = Libc.Open(path, LinuxFlags.OPath | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0);
        }

        if (fd < 0)
        {
            throw LinuxErrno.ToException(Marshal.GetLastPInvokeError(), "open", display);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var stat = Fstat(handle, display);
        if ((stat.Mode & LinuxFlags.SIfMt) != LinuxFlags.SIfDir)
        {
            handle.Dispose();
            throw new IOException($"{display}: a layer source must be a directory (symlinks are not followed)");
        }

        return handle;
    }

    private SafeFileHandle OpenDirectory(SafeFileHandle parent, byte[] nameZ, byte[] relative) =>
        OpenAt(parent, nameZ, LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, "open directory", relative);

    private SafeFileHandle OpenForReading(SafeFileHandle parent, byte[] nameZ, byte[] relative) =>
        // O_NOFOLLOW: a file swapped for a symlink since the lstat fails instead of being followed.
        // O_NONBLOCK: a file swapped for a FIFO cannot block the build (no effect on regular files).
        OpenAt(parent, nameZ, LinuxFlags.ORdOnly | LinuxFlags.ONoFollow | LinuxFlags.OCloExec | LinuxFlags.ONonBlock, "open", relative);

    private unsafe SafeFileHandle OpenAt(SafeFileHandle parent, byte[] nameZ, int flags, string operation, byte[] relative)
    {
        int fd;
        fixed (byte* name = nameZ)
        {
            fd = Libc.Openat(parent, name, flags, 0);
        }

        return fd < 0
            ? throw LinuxErrno.ToException(Marshal.GetLastPInvokeError(), operation, Display(relative))
            : new SafeFileHandle(fd, ownsHandle: true);
    }

    private unsafe StatxBuffer Lstat(SafeFileHandle directory, byte[] nameZ, byte[] relative)
    {
        StatxBuffer buffer;
        var added = false;
        directory.DangerousAddRef(ref added);
        try
        {
            fixed (byte* name = nameZ)
            {
                if (Libc.Statx((int)directory.DangerousGetHandle(), name, LinuxFlags.AtSymlinkNoFollow, LinuxFlags.StatxBasicStats, &buffer) != 0)
                {
                    throw LinuxErrno.ToException(Marshal.GetLastPInvokeError(), "lstat", Display(relative));
                }
            }
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }

        return buffer;
    }

    private static unsafe StatxBuffer Fstat(SafeFileHandle handle, string display)
    {
        StatxBuffer buffer;
        fixed (byte* empty = "\0"u8)
        {
            if (Libc.Statx((int)handle.DangerousGetHandle(), empty, LinuxFlags.AtEmptyPath | LinuxFlags.AtSymlinkNoFollow, LinuxFlags.StatxBasicStats, &buffer) != 0)
            {
                throw LinuxErrno.ToException(Marshal.GetLastPInvokeError(), "stat", display);
            }
        }

        return buffer;
    }

    private unsafe ImmutableArray<byte> ReadLink(SafeFileHandle directory, byte[] nameZ, byte[] relative)
    {
        for (var size = 256; ; size *= 2)
        {
            var buffer = new byte[size];
            nint length;
            fixed (byte* name = nameZ)
            fixed (byte* target = buffer)
            {
                length = Libc.Readlinkat(directory, name, target, (nuint)size);
            }

            if (length < 0)
            {
                throw LinuxErrno.ToException(Marshal.GetLastPInvokeError(), "readlink", Display(relative));
            }

            // A result that fills the buffer may have been truncated.
            if (length < size)
            {
                return ImmutableCollectionsMarshal.AsImmutableArray(buffer.AsSpan(0, (int)length).ToArray());
            }
        }
    }

    private unsafe ImmutableArray<TarXattr> ReadXattrs(byte[] pathZ, Func<string, bool> include, byte[] relative)
    {
        byte[] list;
        nint length;
        fixed (byte* path = pathZ)
        {
            while (true)
            {
                length = Libc.Llistxattr(path, null, 0);
                if (length <= 0)
                {
                    var errno = length < 0 ? Marshal.GetLastPInvokeError() : 0;
                    return errno is 0 or LinuxErrno.EOPNOTSUPP
                        ? []
                        : throw LinuxErrno.ToException(errno, "llistxattr", Display(relative));
                }

                list = new byte[length];
                fixed (byte* listPointer = list)
                {
                    length = Libc.Llistxattr(path, listPointer, (nuint)list.Length);
                }

                // ERANGE: an attribute was added between the two calls; ask again.
                if (length >= 0)
                {
                    break;
                }

                var error = Marshal.GetLastPInvokeError();
                if (error != LinuxErrno.ERANGE)
                {
                    throw LinuxErrno.ToException(error, "llistxattr", Display(relative));
                }
            }
        }

        var result = ImmutableArray.CreateBuilder<TarXattr>();
        foreach (var range in list.AsSpan(0, (int)length).Split((byte)0))
        {
            var nameBytes = list.AsSpan(0, (int)length)[range];
            if (nameBytes.IsEmpty)
            {
                continue;
            }

            var name = FileNameEncoding.Decode(nameBytes);
            if (!include(name))
            {
                continue;
            }

            var value = ReadXattr(pathZ, [.. nameBytes, 0], relative);
            if (value is { } present)
            {
                result.Add(new TarXattr(name, present));
            }
        }

        return result.ToImmutable();
    }

    private unsafe ImmutableArray<byte>? ReadXattr(byte[] pathZ, byte[] nameZ, byte[] relative)
    {
        fixed (byte* path = pathZ)
        fixed (byte* name = nameZ)
        {
            while (true)
            {
                var size = Libc.Lgetxattr(path, name, null, 0);
                if (size >= 0)
                {
                    var value = new byte[size];
                    fixed (byte* valuePointer = value)
                    {
                        size = Libc.Lgetxattr(path, name, valuePointer, (nuint)value.Length);
                    }

                    if (size >= 0)
                    {
                        return ImmutableCollectionsMarshal.AsImmutableArray(value.AsSpan(0, (int)size).ToArray());
                    }
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == LinuxErrno.ENODATA)
                {
                    return null; // removed since it was listed
                }

                if (errno != LinuxErrno.ERANGE)
                {
                    throw LinuxErrno.ToException(errno, "lgetxattr", Display(relative));
                }
            }
        }
    }
}
