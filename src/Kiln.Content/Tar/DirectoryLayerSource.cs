using System.Collections.Immutable;
using System.Runtime.InteropServices;
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
/// Sockets are skipped, as Docker does. Paths are limited to PATH_MAX (4096 bytes).
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
        var rootStat = Lstat(Terminated(_root));
        if ((rootStat.Mode & LinuxFlags.SIfMt) != LinuxFlags.SIfDir)
        {
            throw new IOException($"{FileNameEncoding.Display(_root)}: a layer source must be a directory (symlinks are not followed)");
        }

        var links = new Dictionary<(uint Major, uint Minor, ulong Inode), ImmutableArray<byte>>();
        await WriteDirectoryAsync(writer, _root, [], links, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteDirectoryAsync(
        DeterministicTarWriter writer,
        byte[] directory,
        byte[] relativeDirectory,
        Dictionary<(uint Major, uint Minor, ulong Inode), ImmutableArray<byte>> links,
        CancellationToken cancellationToken)
    {
        var names = ReadDirectoryNames(directory);
        names.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Join(directory, name);
            byte[] relative = [.. relativeDirectory, .. name];
            var pathZ = Terminated(path);
            var stat = Lstat(pathZ);
            var type = stat.Mode & LinuxFlags.SIfMt;
            if (type == LinuxFlags.SIfSock)
            {
                continue;
            }

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
                    _ => throw new IOException($"{FileNameEncoding.Display(path)}: unknown file type {type:x}"),
                },
                Name = relativeName,
                Mode = stat.Mode & 0xFFF,
                Uid = _options.Uid ?? stat.Uid,
                Gid = _options.Gid ?? stat.Gid,
                ModificationTime = DateTimeOffset.FromUnixTimeSeconds(stat.MtimeSeconds),
                Xattrs = ReadXattrs(pathZ, _options.IncludeXattr),
            };

            entry = type switch
            {
                LinuxFlags.SIfReg => entry with { Size = checked((long)stat.Size) },
                LinuxFlags.SIfLnk => entry with { LinkName = ReadLink(pathZ) },
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
                    await WriteDirectoryAsync(writer, path, [.. relative, (byte)'/'], links, cancellationToken).ConfigureAwait(false);
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
                    await WriteFileAsync(writer, entry, pathZ, cancellationToken).ConfigureAwait(false);
                    break;
                case LinuxFlags.SIfDir:
                    await writer.WriteEntryAsync(entry, null, cancellationToken).ConfigureAwait(false);
                    await WriteDirectoryAsync(writer, path, [.. relative, (byte)'/'], links, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await writer.WriteEntryAsync(entry, null, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private static async Task WriteFileAsync(DeterministicTarWriter writer, TarEntry entry, byte[] pathZ, CancellationToken cancellationToken)
    {
        if (entry.Size == 0)
        {
            await writer.WriteEntryAsync(entry, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var handle = OpenForReading(pathZ);
        using var content = new BlockingFileStream(handle, FileAccess.Read);
        await writer.WriteEntryAsync(entry, content, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Join(byte[] directory, byte[] name)
    {
        var result = new byte[directory.Length + 1 + name.Length];
        directory.CopyTo(result, 0);
        result[directory.Length] = (byte)'/';
        name.CopyTo(result, directory.Length + 1);
        return result;
    }

    private static byte[] Terminated(byte[] path)
    {
        var result = new byte[path.Length + 1];
        path.CopyTo(result, 0);
        return result;
    }

    private static unsafe StatxBuffer Lstat(byte[] pathZ)
    {
        StatxBuffer buffer;
        fixed (byte* path = pathZ)
        {
            if (Libc.Statx(LinuxFlags.AtFdCwd, path, LinuxFlags.AtSymlinkNoFollow, LinuxFlags.StatxBasicStats, &buffer) != 0)
            {
                throw LinuxErrno.ToException(Marshal.GetLastPInvokeError(), "lstat", pathZ.AsSpan(0, pathZ.Length - 1));
            }
        }

        return buffer;
    }

    private static unsafe List<byte[]> ReadDirectoryNames(byte[] directory)
    {
        var pathZ = Terminated(directory);
        var names = new List<byte[]>();
        nint dir;
        fixed (byte* path = pathZ)
        {
            dir = Libc.Opendir(path);
        }

        if (dir == 0)
        {
            throw LinuxErrno.ToException(Marshal.GetLastPInvokeError(), "opendir", directory);
        }

        try
        {
            while (true)
            {
                var entry = Libc.Readdir(dir);
                if (entry is null)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != 0)
                    {
                        throw LinuxErrno.ToException(errno, "readdir", directory);
                    }

                    return names;
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
            _ = Libc.Closedir(dir);
        }
    }

    private static unsafe ImmutableArray<byte> ReadLink(byte[] pathZ)
    {
        for (var size = 256; ; size *= 2)
        {
            var buffer = new byte[size];
            nint length;
            fixed (byte* path = pathZ)
            fixed (byte* target = buffer)
            {
                length = Libc.Readlink(path, target, (nuint)size);
            }

            if (length < 0)
            {
                throw LinuxErrno.ToException(Marshal.GetLastPInvokeError(), "readlink", pathZ.AsSpan(0, pathZ.Length - 1));
            }

            // A result that fills the buffer may have been truncated.
            if (length < size)
            {
                return ImmutableCollectionsMarshal.AsImmutableArray(buffer.AsSpan(0, (int)length).ToArray());
            }
        }
    }

    private static unsafe ImmutableArray<TarXattr> ReadXattrs(byte[] pathZ, Func<string, bool> include)
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
                        : throw LinuxErrno.ToException(errno, "llistxattr", pathZ.AsSpan(0, pathZ.Length - 1));
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
                    throw LinuxErrno.ToException(error, "llistxattr", pathZ.AsSpan(0, pathZ.Length - 1));
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

            var value = ReadXattr(pathZ, [.. nameBytes, 0]);
            if (value is { } present)
            {
                result.Add(new TarXattr(name, present));
            }
        }

        return result.ToImmutable();
    }

    private static unsafe ImmutableArray<byte>? ReadXattr(byte[] pathZ, byte[] nameZ)
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
                    throw LinuxErrno.ToException(errno, "lgetxattr", pathZ.AsSpan(0, pathZ.Length - 1));
                }
            }
        }
    }

    private static unsafe SafeFileHandle OpenForReading(byte[] pathZ)
    {
        // O_NOFOLLOW: a file swapped for a symlink since the lstat fails instead of being followed.
        // O_NONBLOCK: a file swapped for a FIFO cannot block the build (no effect on regular files).
        int fd;
        fixed (byte* path = pathZ)
        {
            fd = Libc.Open(path, LinuxFlags.ORdOnly | LinuxFlags.ONoFollow | LinuxFlags.OCloExec | LinuxFlags.ONonBlock, 0);
        }

        return fd < 0
            ? throw LinuxErrno.ToException(Marshal.GetLastPInvokeError(), "open", pathZ.AsSpan(0, pathZ.Length - 1))
            : new SafeFileHandle(fd, ownsHandle: true);
    }
}
