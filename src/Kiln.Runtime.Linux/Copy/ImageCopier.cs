using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Kiln.Content.Paths;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Content.Native;
using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Runtime.Linux.Copy;

/// <summary>
/// <c>kiln cp IMAGE:PATH DEST</c>: copies a file or a directory out of an image without running anything. The
/// image's layers are mounted read-only (an overlay with no upper) and the path is resolved in it with the secure
/// join, so a symlink in the image cannot lead outside it.
/// </summary>
/// <remarks>
/// docker cp's rules (https://docs.docker.com/reference/cli/docker/container/cp/): symlinks in the parents of
/// PATH are followed (inside the image), a final symlink is copied as a link; a file goes to DEST, or into DEST
/// when it is a directory; a directory becomes DEST when DEST does not exist, else goes into it, and with a
/// trailing <c>/.</c> its content goes into DEST. Modes, mtimes and symlinks are kept; the owner is the user
/// running kiln, as docker cp does. Devices, FIFOs and sockets are skipped and reported. Names are copied as the
/// bytes they are, UTF-8 or not.
/// </remarks>
public static class ImageCopier
{
    public static async Task<CopyResult> CopyAsync(
        SnapshotStore snapshots,
        ContentStore content,
        ImmutableArray<Descriptor> layers,
        ImmutableArray<Digest> diffIds,
        string sourcePath,
        string destination,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        OverlayMount.CleanStale(snapshots);
        using var lease = await snapshots.AcquireAsync(content, layers, diffIds, cancellationToken).ConfigureAwait(false);
        using var mount = OverlayMount.Create(snapshots, lease.LowerDirectories, readOnly: true);
        return await CopyOutAsync(mount.MergedPath, sourcePath, destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The copy itself, from a root directory that nobody else modifies meanwhile.</summary>
    public static async Task<CopyResult> CopyOutAsync(string root, string sourcePath, string destination, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var contentsOnly = sourcePath.EndsWith("/.", StringComparison.Ordinal);
        var trimmed = sourcePath.TrimEnd('/');
        if (contentsOnly)
        {
            trimmed = trimmed[..^2];
        }

        if (!SecureJoin.TryClean(trimmed, out var components))
        {
            throw new UnsafePathException($"{sourcePath}: climbs out of the image with \"..\"");
        }

        // Parents resolved inside the image; the final name is taken as it is (a symlink is copied as a link),
        // unless the user asked for what is inside it (a trailing "/" or "/.").
        var followFinal = sourcePath.EndsWith('/') || contentsOnly || components.IsEmpty;
        var parent = SecureJoin.Join(root, "/" + string.Join('/', components.IsEmpty ? [] : components[..^1]));
        var source = components.IsEmpty ? root : Path.Combine(parent, components[^1]);
        if (followFinal && !components.IsEmpty)
        {
            source = SecureJoin.Join(root, "/" + string.Join('/', components));
        }

        // lstat: the secure join already resolved a final symlink that was to be followed, inside the image.
        var info = Lstat(source);
        if (info is null)
        {
            throw new FileNotFoundException($"{sourcePath}: no such file or directory in the image");
        }

        var state = new CopyState();
        var destinationType = Stat(destination) is { } existing ? existing.Mode & LinuxFlags.SIfMt : (uint?)null;
        string target;
        if ((info.Value.Mode & LinuxFlags.SIfMt) == LinuxFlags.SIfDir)
        {
            if (destinationType is { } type && type != LinuxFlags.SIfDir)
            {
                throw new IOException($"cannot copy a directory to {destination}: it is a file");
            }

            target = destinationType == LinuxFlags.SIfDir && !contentsOnly
                ? Path.Combine(destination, components.IsEmpty ? "." : components[^1])
                : destination;
            await CopyDirectoryAsync(source, info.Value, target, state, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (destinationType is null && destination.EndsWith('/'))
            {
                throw new DirectoryNotFoundException($"{destination}: the destination directory must exist");
            }

            target = destinationType == LinuxFlags.SIfDir ? Path.Combine(destination, components[^1]) : destination;
            await CopyEntryAsync(source, info.Value, target, state, cancellationToken).ConfigureAwait(false);
        }

        return new CopyResult(target, state.Files, state.Directories, state.Symlinks, [.. state.Skipped]);
    }

    // Every call below names files by strings that carry their bytes (FileNameEncoding) through Kiln's libc
    // bindings: System.IO decodes names lossily and could neither list nor open a name that is not UTF-8.
    private static async Task CopyDirectoryAsync(string source, StatxBuffer stat, string target, CopyState state, CancellationToken cancellationToken)
    {
        if (Libc.Mkdirat(Cwd, target, 0x1C0) != 0 && Marshal.GetLastPInvokeError() != LinuxErrno.EEXIST)
        {
            throw LinuxErrno.LastError("mkdir", target);
        }

        state.Directories++;
        List<string> names;
        using (var directory = Open(source, LinuxFlags.OPath | LinuxFlags.ODirectory | LinuxFlags.ONoFollow))
        {
            names = DirectoryNames.List(directory, source);
        }

        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var child = Path.Combine(source, name);
            if (Lstat(child) is { } childStat)
            {
                await CopyEntryAsync(child, childStat, Path.Combine(target, name), state, cancellationToken).ConfigureAwait(false);
            }
        }

        SetMode(target, stat.Mode);
        SetTime(target, stat);
    }

    private static async Task CopyEntryAsync(string source, StatxBuffer stat, string target, CopyState state, CancellationToken cancellationToken)
    {
        switch (stat.Mode & LinuxFlags.SIfMt)
        {
            case LinuxFlags.SIfLnk:
                var link = RootDirectory.ReadLink(Cwd, source, source);
                if (Lstat(target) is not null && Libc.Unlinkat(Cwd, target, 0) != 0)
                {
                    throw LinuxErrno.LastError("remove", target);
                }

                if (Libc.Symlinkat(link, Cwd, target) != 0)
                {
                    throw LinuxErrno.LastError("symlink", target);
                }

                state.Symlinks++;
                return;
            case LinuxFlags.SIfDir:
                await CopyDirectoryAsync(source, stat, target, state, cancellationToken).ConfigureAwait(false);
                return;
            case LinuxFlags.SIfReg:
                // O_NONBLOCK: a file swapped for a FIFO meanwhile cannot block the copy.
                var input = new FileStream(Open(source, LinuxFlags.ORdOnly | LinuxFlags.ONoFollow | LinuxFlags.ONonBlock), FileAccess.Read, 0);
                await using (input.ConfigureAwait(false))
                {
                    var output = new FileStream(Open(target, LinuxFlags.OWrOnly | LinuxFlags.OCreat | LinuxFlags.OTrunc, 0x180), FileAccess.Write, 0);
                    await using (output.ConfigureAwait(false))
                    {
                        await input.CopyToAsync(output, 128 * 1024, cancellationToken).ConfigureAwait(false);
                    }
                }

                SetMode(target, stat.Mode);
                SetTime(target, stat);
                state.Files++;
                return;
            default:
                state.Skipped.Add(FileNameEncoding.Display(source));
                return;
        }
    }

    private static SafeFileHandle Cwd { get; } = new(LinuxFlags.AtFdCwd, ownsHandle: false);

    private static SafeFileHandle Open(string path, int flags, uint mode = 0)
    {
        var fd = Libc.Openat(Cwd, path, flags | LinuxFlags.OCloExec, mode);
        return fd < 0 ? throw LinuxErrno.LastError("open", path) : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>lstat; null when the name is gone.</summary>
    private static StatxBuffer? Lstat(string path) =>
        StatxAt.TryGetPath(path, LinuxFlags.AtSymlinkNoFollow, LinuxFlags.StatxBasicStats, out var stat) ? stat : null;

    /// <summary>stat, following symlinks (a destination that is a link to a directory is that directory).</summary>
    private static StatxBuffer? Stat(string path) =>
        StatxAt.TryGetPath(path, 0, LinuxFlags.StatxBasicStats, out var stat) ? stat : null;

    private static void SetMode(string path, uint mode)
    {
        using var handle = Open(path, LinuxFlags.OPath | LinuxFlags.ONoFollow);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }

        File.SetUnixFileMode($"/proc/self/fd/{handle.DangerousGetHandle()}", (UnixFileMode)(mode & 0xFFF));
    }

    private static unsafe void SetTime(string path, StatxBuffer stat)
    {
        var times = stackalloc long[4] { stat.MtimeSeconds, stat.MtimeNanoseconds, stat.MtimeSeconds, stat.MtimeNanoseconds };
        if (Libc.Utimensat(Cwd, path, times, LinuxFlags.AtSymlinkNoFollow) != 0)
        {
            throw LinuxErrno.LastError("set times", path);
        }
    }

    private sealed class CopyState
    {
        public int Files { get; set; }

        public int Directories { get; set; }

        public int Symlinks { get; set; }

        public List<string> Skipped { get; } = [];
    }
}
