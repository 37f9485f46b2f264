using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Kiln.Content.Compression;
using Kiln.Content.IO;
using Kiln.Content.Native;
using Kiln.Content.Paths;
using Kiln.Content.Tar;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Layers;

/// <summary>
/// Applies an OCI layer (a tar, plain, gzip or zstd) onto a directory, never writing or reading outside it.
/// </summary>
/// <remarks>
/// Layer semantics: https://github.com/opencontainers/image-spec/blob/v1.1.0/layer.md. Whiteouts "MUST only apply
/// to resources in lower/parent layers", so deletions skip paths this layer itself wrote.
/// Safety: every name is cleaned lexically (a ".." that climbs above the root is refused; a leading "/" means the
/// root), then resolved with <see cref="RootDirectory"/>, which follows symlinks only inside the root and hands back
/// a parent directory descriptor; every write is an *at() call on that descriptor with O_NOFOLLOW semantics, so a
/// symlink planted by the archive (or swapped in by someone else meanwhile) cannot redirect it. Symlinks are created
/// exactly as stored and never followed for the entry itself. Hardlink targets must already exist inside the root.
/// Directory modes and mtimes are applied at the end, so that a read-only directory can still be filled and its
/// mtime is not disturbed by its children.
/// </remarks>
public sealed class LayerExtractor
{
    private const int CopyBuffer = 128 * 1024;
    private const string OpaqueMarker = ".wh..wh..opq";
    private const string WhiteoutPrefix = ".wh.";

    private readonly RootDirectory _root;
    private readonly ExtractOptions _options;
    private readonly bool _privileged;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly List<(ImmutableArray<string> Components, int Mode, DateTimeOffset ModificationTime)> _directories = [];
    private readonly ImmutableArray<string>.Builder _warnings = ImmutableArray.CreateBuilder<string>();

    private LayerExtractor(RootDirectory root, ExtractOptions options)
    {
        _root = root;
        _options = options;
        _privileged = options.Privileged ?? Environment.IsPrivilegedProcess;
    }

    /// <summary>
    /// Applies <paramref name="layer"/> onto <paramref name="root"/>. Hostile names, escaping links, truncated or
    /// malformed archives end in a <see cref="TarFormatException"/>, <see cref="UnsafePathException"/> or
    /// <see cref="IOException"/>; what was applied before the error stays. <paramref name="layer"/> is not disposed.
    /// </summary>
    public static async Task<ExtractResult> ExtractAsync(Stream layer, string root, ExtractOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(options);
        using var directory = RootDirectory.Open(root);
        var tar = await LayerDecompression.OpenAsync(layer, leaveOpen: true, cancellationToken).ConfigureAwait(false);
        if (options.MaxUncompressedBytes is { } limit)
        {
            tar = new ByteLimitStream(tar, limit);
        }

        await using var reader = new TarReader(tar);
        var extractor = new LayerExtractor(directory, options);
        var count = 0;
        while (await reader.GetNextEntryAsync(cancellationToken).ConfigureAwait(false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await extractor.ApplyAsync(reader, entry, cancellationToken).ConfigureAwait(false);
            count++;
        }

        extractor.FinishDirectories();
        return new ExtractResult(count, extractor._warnings.ToImmutable());
    }

    private static string Describe(TarEntry entry) => $"entry \"{entry.NameText}\"";

    private async Task ApplyAsync(TarReader reader, TarEntry entry, CancellationToken cancellationToken)
    {
        if (!SecureJoin.TryClean(entry.NameText, out var components))
        {
            throw new UnsafePathException($"{Describe(entry)} climbs out of the root with \"..\"");
        }

        if (components.Length > 0 && components[^1].StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            ApplyWhiteout(entry, components);
            return;
        }

        if (components.Length == 0)
        {
            // "./" or "/": the root belongs to the caller; its mode and owner are not the layer's to change.
            if (entry.Kind != TarEntryKind.Directory)
            {
                throw new UnsafePathException($"{Describe(entry)} would replace the extraction root");
            }

            return;
        }

        using var location = _root.Resolve(components, followFinal: false, createParents: true);
        var parent = location.Parent!;
        var name = location.Name;
        var existing = RootDirectory.StatMode(parent, name);

        // Resolve a hardlink's target before anything is removed: it must already exist inside the root.
        ResolvedLocation? linkTarget = null;
        try
        {
            if (entry.Kind == TarEntryKind.HardLink)
            {
                linkTarget = ResolveHardLinkTarget(entry);
            }

            if (existing is { } mode)
            {
                var isDirectory = (mode & LinuxFlags.SIfMt) == LinuxFlags.SIfDir;
                if (!(isDirectory && entry.Kind == TarEntryKind.Directory))
                {
                    Remove(parent, name, location.RelativePath);
                }
            }

            switch (entry.Kind)
            {
                case TarEntryKind.RegularFile:
                    await WriteFileAsync(reader, entry, location, cancellationToken).ConfigureAwait(false);
                    break;
                case TarEntryKind.Directory:
                    if (existing is null || (existing.Value & LinuxFlags.SIfMt) != LinuxFlags.SIfDir)
                    {
                        Check(Libc.Mkdirat(parent, name, 0x1ED /* 0755 until the end */), "mkdir", location);
                    }

                    Chown(entry, location);
                    SetXattrs(entry, location);
                    _directories.Add((location.Components, entry.Mode, entry.ModificationTime));
                    break;
                case TarEntryKind.SymbolicLink:
                    Check(Libc.Symlinkat(entry.LinkNameText, parent, name), "symlink", location);
                    Chown(entry, location);
                    SetXattrs(entry, location);
                    SetTimes(parent, name, entry.ModificationTime, location);
                    break;
                case TarEntryKind.HardLink:
                    Check(Libc.Linkat(linkTarget!.Parent!, linkTarget.Name, parent, name, 0), "link", location);
                    break;
                case TarEntryKind.CharacterDevice or TarEntryKind.BlockDevice or TarEntryKind.Fifo:
                    if (entry.Kind != TarEntryKind.Fifo && !_privileged)
                    {
                        _warnings.Add($"skipped device node /{location.RelativePath}: creating devices needs root");
                        return;
                    }

                    var kind = entry.Kind switch
                    {
                        TarEntryKind.CharacterDevice => LinuxFlags.SIfChr,
                        TarEntryKind.BlockDevice => LinuxFlags.SIfBlk,
                        _ => LinuxFlags.SIfIfo,
                    };
                    var device = entry.Kind == TarEntryKind.Fifo ? 0 : LinuxFlags.MakeDevice(entry.DeviceMajor, entry.DeviceMinor);
                    Check(Libc.Mknodat(parent, name, kind | 0x180 /* 0600 until chmod */, device), "mknod", location);
                    Chown(entry, location);
                    ChmodNoFollow(parent, name, entry.Mode, kind, location);
                    SetXattrs(entry, location);
                    SetTimes(parent, name, entry.ModificationTime, location);
                    break;
                default:
                    throw new TarFormatException($"{Describe(entry)} has an unsupported type {entry.Kind}");
            }

            _written.Add(location.RelativePath);
        }
        finally
        {
            linkTarget?.Dispose();
        }
    }

    private ResolvedLocation ResolveHardLinkTarget(TarEntry entry)
    {
        if (!SecureJoin.TryClean(entry.LinkNameText, out var target) || target.Length == 0)
        {
            throw new UnsafePathException($"hardlink {Describe(entry)} points outside the root (\"{entry.LinkNameText}\")");
        }

        var location = _root.Resolve(target, followFinal: false, createParents: false);
        var mode = location.Parent is null ? null : RootDirectory.StatMode(location.Parent, location.Name);
        if (mode is null)
        {
            location.Dispose();
            throw new UnsafePathException($"hardlink {Describe(entry)} points at \"{entry.LinkNameText}\", which does not exist in the root");
        }

        if ((mode.Value & LinuxFlags.SIfMt) == LinuxFlags.SIfDir)
        {
            location.Dispose();
            throw new UnsafePathException($"hardlink {Describe(entry)} points at a directory");
        }

        return location;
    }

    private async Task WriteFileAsync(TarReader reader, TarEntry entry, ResolvedLocation location, CancellationToken cancellationToken)
    {
        var fd = Libc.Openat(
            location.Parent!, location.Name, LinuxFlags.OWrOnly | LinuxFlags.OCreat | LinuxFlags.OExcl | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0x180 /* 0600 */);
        if (fd < 0)
        {
            throw LinuxErrno.LastError("create", "/" + location.RelativePath);
        }

        // The stream owns the descriptor; the metadata calls below run while it is still open.
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        await using var file = new BlockingFileStream(handle, FileAccess.Write);
        if (entry.IsSparse)
        {
            // Seek over the holes instead of writing zeros, so the file stays sparse on disk.
            var stored = reader.OpenStoredData();
            foreach (var region in entry.SparseMap)
            {
                file.Position = region.Offset;
                await CopyExactlyAsync(stored, file, region.Length, cancellationToken).ConfigureAwait(false);
            }

            file.SetLength(entry.Size);
        }
        else
        {
            await reader.OpenData().CopyToAsync(file, CopyBuffer, cancellationToken).ConfigureAwait(false);
        }

        // chown clears setuid/setgid, so the mode comes after the owner.
        Chown(entry, location);
        if (Libc.Fchmod(handle, (uint)entry.Mode) != 0)
        {
            throw LinuxErrno.LastError("chmod", "/" + location.RelativePath);
        }

        SetXattrs(entry, location);
        SetTimes(location.Parent!, location.Name, entry.ModificationTime, location);
    }

    private static async Task CopyExactlyAsync(Stream source, Stream destination, long count, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBuffer);
        try
        {
            while (count > 0)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new TarFormatException("sparse entry data ended early");
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                count -= read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void ApplyWhiteout(TarEntry entry, ImmutableArray<string> components)
    {
        var marker = components[^1];
        var directory = components[..^1];
        if (marker == OpaqueMarker)
        {
            if (_options.Whiteouts == WhiteoutMode.Overlay)
            {
                using var location = _root.Resolve(directory, followFinal: true, createParents: true);
                if (!location.IsRoot && RootDirectory.StatMode(location.Parent!, location.Name) is null)
                {
                    Check(Libc.Mkdirat(location.Parent!, location.Name, 0x1ED), "mkdir", location);
                }

                var path = location.IsRoot ? $"/proc/self/fd/{_root.Handle.DangerousGetHandle()}" : location.ProcPath;
                SetXattr(path, "trusted.overlay.opaque", "y"u8, "/" + location.RelativePath, fromLayer: false);
                _written.Add(location.RelativePath);
                return;
            }

            using (var location = _root.Resolve(directory, followFinal: true, createParents: false))
            {
                if (location.Parent is null)
                {
                    return;
                }

                if (location.IsRoot)
                {
                    ClearLowerContent(_root.OpenDirectory([]), string.Empty);
                    return;
                }

                if (RootDirectory.StatMode(location.Parent, location.Name) is { } mode && (mode & LinuxFlags.SIfMt) == LinuxFlags.SIfDir)
                {
                    ClearLowerContent(_root.OpenDirectory(location.Components), location.RelativePath);
                }
            }

            return;
        }

        var hidden = marker[WhiteoutPrefix.Length..];
        if (hidden.Length == 0 || hidden == "." || hidden == ".." || hidden.Contains('/', StringComparison.Ordinal))
        {
            throw new UnsafePathException($"whiteout {Describe(entry)} does not name a file");
        }

        using var target = _root.Resolve([.. directory, hidden], followFinal: false, createParents: _options.Whiteouts == WhiteoutMode.Overlay);
        if (target.Parent is null || _written.Contains(target.RelativePath))
        {
            return;
        }

        Remove(target.Parent, target.Name, target.RelativePath);

        if (_options.Whiteouts == WhiteoutMode.Overlay)
        {
            // overlayfs: "a whiteout is created as a character device with 0/0 device number".
            // https://docs.kernel.org/filesystems/overlayfs.html#whiteouts-and-opaque-directories
            if (Libc.Mknodat(target.Parent, target.Name, LinuxFlags.SIfChr, 0) != 0)
            {
                throw LinuxErrno.LastError("create overlay whiteout (needs root or CAP_MKNOD)", "/" + target.RelativePath);
            }

            _written.Add(target.RelativePath);
        }
    }

    /// <summary>Removes everything under a directory that this layer did not write (opaque directory semantics).</summary>
    private void ClearLowerContent(SafeFileHandle directory, string relative)
    {
        using (directory)
        {
            foreach (var child in List(directory, relative))
            {
                var childRelative = relative.Length == 0 ? child : relative + "/" + child;
                var mode = RootDirectory.StatMode(directory, child);
                if (mode is null)
                {
                    continue;
                }

                var isDirectory = (mode.Value & LinuxFlags.SIfMt) == LinuxFlags.SIfDir;
                if (!_written.Contains(childRelative))
                {
                    Remove(directory, child, childRelative);
                }
                else if (isDirectory)
                {
                    ClearLowerContent(OpenChildDirectory(directory, child, childRelative), childRelative);
                }
            }
        }
    }

    /// <summary>Removes a name, recursively for a directory, without following any symlink on the way.</summary>
    private static void Remove(SafeFileHandle parent, string name, string relative) => DirectoryTree.RemoveChild(parent, name, "/" + relative);

    private static SafeFileHandle OpenChildDirectory(SafeFileHandle parent, string name, string relative)
    {
        var fd = Libc.Openat(parent, name, LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0);
        return fd < 0 ? throw LinuxErrno.LastError("open directory", "/" + relative) : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Lists a directory we hold a descriptor for, so the listing cannot be redirected by a rename or a symlink.</summary>
    private static List<string> List(SafeFileHandle directory, string relative) => DirectoryNames.List(directory, "/" + relative);

    private void FinishDirectories()
    {
        foreach (var (components, mode, mtime) in _directories)
        {
            using var location = _root.Resolve(components, followFinal: false, createParents: false);
            if (location.Parent is null || RootDirectory.StatMode(location.Parent, location.Name) is not { } found
                || (found & LinuxFlags.SIfMt) != LinuxFlags.SIfDir)
            {
                continue; // removed or replaced by a later entry
            }

            ChmodNoFollow(location.Parent, location.Name, mode, LinuxFlags.SIfDir, location);
            SetTimes(location.Parent, location.Name, mtime, location);
        }
    }

    /// <summary>
    /// chmod without following: open the name with O_PATH|O_NOFOLLOW, check it is the type we created, then chmod
    /// through /proc/self/fd, which names exactly that inode. (fchmod does not work on O_PATH descriptors and
    /// fchmodat's AT_SYMLINK_NOFOLLOW needs Linux 6.6.)
    /// </summary>
    private static void ChmodNoFollow(SafeFileHandle parent, string name, int mode, uint expectedType, ResolvedLocation location)
    {
        var fd = Libc.Openat(parent, name, LinuxFlags.OPath | LinuxFlags.ONoFollow | LinuxFlags.OCloExec, 0);
        if (fd < 0)
        {
            throw LinuxErrno.LastError("open", "/" + location.RelativePath);
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (RootDirectory.StatMode(handle, string.Empty, LinuxFlags.AtEmptyPath) is not { } found || (found & LinuxFlags.SIfMt) != expectedType)
        {
            throw new IOException($"/{location.RelativePath} changed type during extraction");
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }

        File.SetUnixFileMode($"/proc/self/fd/{fd}", (UnixFileMode)(mode & 0xFFF));
    }

    private void Chown(TarEntry entry, ResolvedLocation location)
    {
        if (!_privileged || _options.IgnoreOwnership)
        {
            return;
        }

        if (entry.Uid > uint.MaxValue - 1 || entry.Gid > uint.MaxValue - 1)
        {
            throw new TarFormatException($"{Describe(entry)} has an owner id that does not fit 32 bits");
        }

        if (Libc.Fchownat(location.Parent!, location.Name, (uint)entry.Uid, (uint)entry.Gid, LinuxFlags.AtSymlinkNoFollow) != 0)
        {
            throw LinuxErrno.LastError("chown", "/" + location.RelativePath);
        }
    }

    private void SetXattrs(TarEntry entry, ResolvedLocation location)
    {
        foreach (var xattr in entry.Xattrs)
        {
            if (xattr.Name.StartsWith("trusted.overlay.", StringComparison.Ordinal))
            {
                // A layer must not smuggle overlayfs metadata (opaque, redirect, metacopy) into an upper directory.
                _warnings.Add($"ignored xattr {xattr.Name} on /{location.RelativePath}: overlayfs metadata is not taken from layers");
                continue;
            }

            if (xattr.Name.StartsWith("trusted.", StringComparison.Ordinal) && !_privileged)
            {
                _warnings.Add($"skipped xattr {xattr.Name} on /{location.RelativePath}: trusted.* needs root");
                continue;
            }

            SetXattr(location.ProcPath, xattr.Name, xattr.Value.AsSpan(), "/" + location.RelativePath, fromLayer: true);
        }
    }

    private void SetXattr(string path, string name, ReadOnlySpan<byte> value, string display, bool fromLayer)
    {
        if (Libc.Lsetxattr(path, name, value, (nuint)value.Length, 0) == 0)
        {
            return;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (fromLayer && errno is LinuxErrno.EPERM or LinuxErrno.EOPNOTSUPP or LinuxErrno.EACCES)
        {
            // e.g. user.* on a symlink, security.capability without CAP_SETFCAP, a filesystem without xattrs.
            _warnings.Add($"could not set xattr {name} on {display}: {Marshal.GetPInvokeErrorMessage(errno)}");
            return;
        }

        throw LinuxErrno.ToException(errno, $"setxattr {name}", display);
    }

    private static unsafe void SetTimes(SafeFileHandle parent, string name, DateTimeOffset time, ResolvedLocation location)
    {
        var ticks = (time - DateTimeOffset.UnixEpoch).Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        var times = stackalloc long[4] { seconds, remainder * 100, seconds, remainder * 100 };
        if (Libc.Utimensat(parent, name, times, LinuxFlags.AtSymlinkNoFollow) != 0)
        {
            throw LinuxErrno.LastError("set times", "/" + location.RelativePath);
        }
    }

    private static void Check(int result, string operation, ResolvedLocation location)
    {
        if (result != 0)
        {
            throw LinuxErrno.LastError(operation, "/" + location.RelativePath);
        }
    }
}
