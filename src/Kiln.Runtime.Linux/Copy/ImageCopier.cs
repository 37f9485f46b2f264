using System.Collections.Immutable;
using Kiln.Content.Paths;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Content.Native;
using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;

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
/// running kiln, as docker cp does. Devices, FIFOs and sockets are skipped and reported.
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

        var info = Stat(source) ?? throw new FileNotFoundException($"{sourcePath}: no such file or directory in the image");
        var state = new CopyState();
        var destinationInfo = Stat(destination);
        string target;
        if (info is DirectoryInfo)
        {
            if (destinationInfo is FileInfo { LinkTarget: null })
            {
                throw new IOException($"cannot copy a directory to {destination}: it is a file");
            }

            target = destinationInfo is DirectoryInfo && !contentsOnly
                ? Path.Combine(destination, components.IsEmpty ? "." : components[^1])
                : destination;
            await CopyDirectoryAsync((DirectoryInfo)info, target, state, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (destinationInfo is null && destination.EndsWith('/'))
            {
                throw new DirectoryNotFoundException($"{destination}: the destination directory must exist");
            }

            target = destinationInfo is DirectoryInfo ? Path.Combine(destination, components[^1]) : destination;
            await CopyEntryAsync(info, target, state, cancellationToken).ConfigureAwait(false);
        }

        return new CopyResult(target, state.Files, state.Directories, state.Symlinks, [.. state.Skipped]);
    }

    private static async Task CopyDirectoryAsync(DirectoryInfo source, string target, CopyState state, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(target);
        state.Directories++;
        foreach (var child in source.EnumerateFileSystemInfos().OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await CopyEntryAsync(child, Path.Combine(target, child.Name), state, cancellationToken).ConfigureAwait(false);
        }

        SetMode(target, source.UnixFileMode);
        Directory.SetLastWriteTimeUtc(target, source.LastWriteTimeUtc);
    }

    private static async Task CopyEntryAsync(FileSystemInfo source, string target, CopyState state, CancellationToken cancellationToken)
    {
        if (source.LinkTarget is { } link)
        {
            if (Stat(target) is not null)
            {
                File.Delete(target);
            }

            File.CreateSymbolicLink(target, link);
            state.Symlinks++;
            return;
        }

        switch (source)
        {
            case DirectoryInfo directory:
                await CopyDirectoryAsync(directory, target, state, cancellationToken).ConfigureAwait(false);
                return;
            case FileInfo file when IsRegular(file):
                var input = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using (input.ConfigureAwait(false))
                {
                    var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
                    await using (output.ConfigureAwait(false))
                    {
                        await input.CopyToAsync(output, 128 * 1024, cancellationToken).ConfigureAwait(false);
                    }
                }

                SetMode(target, file.UnixFileMode);
                File.SetLastWriteTimeUtc(target, file.LastWriteTimeUtc);
                state.Files++;
                return;
            default:
                state.Skipped.Add(source.FullName);
                return;
        }
    }

    /// <summary>
    /// FileSystemInfo cannot tell a FIFO or a device from a file, and opening a FIFO would block: ask lstat.
    /// </summary>
    private static bool IsRegular(FileInfo file) =>
        StatxAt.TryGetPath(file.FullName, LinuxFlags.AtSymlinkNoFollow, LinuxFlags.StatxType, out var stat)
            ? (stat.Mode & LinuxFlags.SIfMt) == LinuxFlags.SIfReg
            : throw new FileNotFoundException($"{file.FullName}: removed while it was being copied");

    private static FileSystemInfo? Stat(string path)
    {
        var directory = new DirectoryInfo(path);
        if (directory.Exists && directory.LinkTarget is null)
        {
            return directory;
        }

        var file = new FileInfo(path);
        return file.Exists || file.LinkTarget is not null ? file : null;
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }

        File.SetUnixFileMode(path, mode);
    }

    private sealed class CopyState
    {
        public int Files { get; set; }

        public int Directories { get; set; }

        public int Symlinks { get; set; }

        public List<string> Skipped { get; } = [];
    }
}
