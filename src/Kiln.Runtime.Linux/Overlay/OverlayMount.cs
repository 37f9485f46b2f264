using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Kiln.Content.IO;
using Kiln.Content.Native;
using Kiln.Content.Store;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Runtime.Linux.Overlay;

/// <summary>
/// An overlayfs mount under <c>snapshots/mounts/&lt;id&gt;/</c>: <c>merged/</c> over the given lower directories,
/// with a fresh <c>upper/</c> and <c>work/</c> (or none, read-only). Disposing unmounts it and deletes the
/// directory, upper included: diff the upper before.
/// </summary>
/// <remarks>
/// Cleanup: <see cref="Dispose"/> runs from the callers' <c>using</c> (exceptions, Ctrl-C through the cancelled
/// token), and a process-exit hook unmounts whatever is still mounted if the process is ending anyway (SIGTERM,
/// the command line's termination timeout). SIGKILL runs no code: the mount stays, but the flock on
/// <c>mounts/&lt;id&gt;.lock</c> dies with the process, and <see cref="CleanStale"/> (run before each container)
/// unmounts and deletes every mount directory whose lock nobody holds.
/// Options: <c>redirect_dir=off</c> and <c>metacopy=off</c> are explicit, whatever the kernel's defaults, because
/// the differ reads the upper directory alone: a renamed directory recorded as a redirect, or a chown recorded as
/// metadata without data, would be lost in the layer.
/// A writable overlay is <c>volatile</c> (Linux 5.10; without it on older kernels): its unmount does not sync the
/// upper's filesystem, and an fsync inside the container returns without waiting for the disk, as under
/// <c>eatmydata</c>. A step's upper becomes a snapshot marked with the boot it was made in, which a crash and
/// reboot invalidates (<see cref="SnapshotStore"/>), and a step cut short by a crash is run again: the fsyncs of
/// the commands inside it (dpkg makes one per file) would only cost time.
/// </remarks>
public sealed class OverlayMount : IDisposable
{
    /// <summary>mount(2) copies its option string into one page, NUL included.</summary>
    private const int MountDataLimit = 4095;

    private static readonly ConcurrentDictionary<OverlayMount, byte> Live = new();

    private readonly FileLock _lock;
    private bool _mounted;
    private bool _disposed;

    static OverlayMount()
    {
        AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
        {
            foreach (var mount in Live.Keys)
            {
                mount.Dispose();
            }
        };
    }

    private OverlayMount(string id, string directory, bool readOnly, FileLock lockFile)
    {
        Id = id;
        Directory = directory;
        ReadOnly = readOnly;
        _lock = lockFile;
    }

    public string Id { get; }

    /// <summary><c>snapshots/mounts/&lt;id&gt;</c>: holds <c>merged</c>, <c>upper</c>, <c>work</c> and anything the caller puts there (a bundle).</summary>
    public string Directory { get; }

    public bool ReadOnly { get; }

    public string MergedPath => Path.Combine(Directory, "merged");

    public string UpperPath => Path.Combine(Directory, "upper");

    public string WorkPath => Path.Combine(Directory, "work");

    /// <summary>Whether the upper is mounted <c>volatile</c>: writable, on a kernel that has the option.</summary>
    public bool Volatile { get; private set; }

    /// <summary>Whether the last mount used the legacy mount(2) option string rather than fsconfig.</summary>
    public bool UsedLegacyMount { get; private set; }

    /// <summary>For tests: use mount(2) even where fsconfig's <c>lowerdir+</c> is available.</summary>
    internal static bool ForceLegacyMount { get; set; }

    /// <summary>
    /// Mounts an overlay of <paramref name="lowerDirectories"/> (top first; empty for a scratch root) with a fresh
    /// upper, or read-only without one.
    /// </summary>
    public static OverlayMount Create(SnapshotStore store, ImmutableArray<string> lowerDirectories, bool readOnly)
    {
        ArgumentNullException.ThrowIfNull(store);

        // A read-only overlay needs two lowers, a writable one one: the empty directory fills in (and never shows).
        var lowers = lowerDirectories.IsDefaultOrEmpty || readOnly
            ? [.. lowerDirectories.IsDefault ? [] : lowerDirectories, store.EmptyDirectory]
            : lowerDirectories;
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var directory = Path.Combine(store.MountsPath, id);
        var lockFile = FileLock.TryAcquire(directory + ".lock", exclusive: true)
            ?? throw new IOException($"mount {id} is locked by someone else");
        var mount = new OverlayMount(id, directory, readOnly, lockFile);
        try
        {
            System.IO.Directory.CreateDirectory(mount.MergedPath);
            if (!readOnly)
            {
                System.IO.Directory.CreateDirectory(mount.UpperPath);
                System.IO.Directory.CreateDirectory(mount.WorkPath);
            }

            Live.TryAdd(mount, 0);
            mount.MountOverlay(lowers);
            return mount;
        }
        catch
        {
            mount.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Unmounts and deletes mount directories left by processes that died without cleaning up (SIGKILL, a power
    /// cut): those whose lock file nobody holds. Returns how many it removed. One that cannot be removed stays as it
    /// is, lock file included, and is named in <paramref name="failures"/>: the caller's own work does not depend on
    /// it, so it must not fail every command that meets it (<c>kiln prune</c> reports it).
    /// </summary>
    public static int CleanStale(SnapshotStore store, ICollection<string>? failures = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var removed = 0;
        foreach (var lockPath in System.IO.Directory.EnumerateFiles(store.MountsPath, "*.lock"))
        {
            using var stale = FileLock.TryAcquire(lockPath, exclusive: true);
            if (stale is null)
            {
                continue;
            }

            var directory = lockPath[..^".lock".Length];
            try
            {
                var merged = Path.Combine(directory, "merged");
                if (System.IO.Directory.Exists(merged))
                {
                    DetachAll(merged);
                }

                // By descriptor: a step cut short may have left a path longer than PATH_MAX in its upper.
                DirectoryTree.Remove(directory);
            }
            catch (IOException e)
            {
                failures?.Add($"stale mount {directory}: {e.Message}");
                continue;
            }

            File.Delete(lockPath);
            removed++;
        }

        return removed;
    }

    /// <summary>Whether <paramref name="path"/> is a mount point in this process's mount namespace.</summary>
    public static bool IsMountPoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var escaped = MountInfoEscape(Path.GetFullPath(path));
        return File.ReadLines("/proc/self/mountinfo").Any(line => MountInfoTarget(line) == escaped);
    }

    /// <summary>Unmounts (if mounted); the directories stay until <see cref="Dispose"/>.</summary>
    public void Unmount()
    {
        if (!_mounted)
        {
            return;
        }

        if (Libc.Umount2(MergedPath, Libc.UmountNoFollow) != 0)
        {
            // Still busy (a process that outlived its container, an open file): detach it from the namespace now;
            // the kernel frees it when the last user goes.
            var errno = Marshal.GetLastPInvokeError();
            if (errno != LinuxErrno.EINVAL && Libc.Umount2(MergedPath, Libc.MntDetach | Libc.UmountNoFollow) != 0 && Marshal.GetLastPInvokeError() != LinuxErrno.EINVAL)
            {
                throw LinuxErrno.LastError("umount", MergedPath);
            }
        }

        _mounted = false;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            try
            {
                Unmount();
            }
            catch (IOException)
            {
                DetachAll(MergedPath);
                _mounted = false;
            }

            // Never delete through a mount that is still there: that would delete lower layers' files.
            if (!_mounted && !IsMountPoint(MergedPath))
            {
                DirectoryTree.Remove(Directory);
                File.Delete(Directory + ".lock");
            }
        }
        finally
        {
            _disposed = true;
            _lock.Dispose();
            Live.TryRemove(this, out _);
        }
    }

    private void MountOverlay(ImmutableArray<string> lowers)
    {
        var legacy = ForceLegacyMount || lowers.Any(NeedsEscaping);
        if (!legacy && TryMountWithFsconfig(lowers))
        {
            _mounted = true;
            return;
        }

        var options = new StringBuilder("lowerdir=").AppendJoin(':', lowers);
        if (!ReadOnly)
        {
            options.Append(",upperdir=").Append(UpperPath).Append(",workdir=").Append(WorkPath);
        }

        options.Append(",redirect_dir=off,metacopy=off");
        if (lowers.Any(NeedsEscaping))
        {
            throw new IOException($"overlay: a layer path contains ',' or ':' and this kernel has no fsconfig lowerdir+ (Linux >= 6.8): {Path.GetDirectoryName(lowers[0])}");
        }

        if (Encoding.UTF8.GetByteCount(options.ToString()) > MountDataLimit)
        {
            throw new IOException($"overlay: {lowers.Length} layers make mount options longer than one page, and this kernel has no fsconfig lowerdir+ (Linux >= 6.8)");
        }

        var flags = ReadOnly ? Libc.MsRdonly : 0;
        if (!ReadOnly && Libc.Mount("overlay", MergedPath, "overlay", flags, options + ",volatile") == 0)
        {
            Volatile = true;
        }
        else if (Libc.Mount("overlay", MergedPath, "overlay", flags, options.ToString()) != 0)
        {
            // (Linux < 5.10 refuses "volatile" with EINVAL; the same mount without it is then an ordinary one.)
            throw LinuxErrno.LastError("mount overlay on", MergedPath);
        }

        _mounted = true;
        UsedLegacyMount = true;
    }

    /// <summary>The new mount API: one <c>lowerdir+</c> per layer, no option-string length limit and no escaping.</summary>
    private bool TryMountWithFsconfig(ImmutableArray<string> lowers)
    {
        var fs = Libc.Fsopen("overlay", Libc.FsopenCloexec);
        if (fs < 0)
        {
            return false; // ENOSYS: an old kernel; mount(2) it is
        }

        try
        {
            if (Libc.Fsconfig(fs, Libc.FsconfigSetString, "lowerdir+", lowers[0], 0) != 0)
            {
                if (Marshal.GetLastPInvokeError() == LinuxErrno.EINVAL)
                {
                    return false; // Linux < 6.8 does not know "lowerdir+"
                }

                throw LinuxErrno.LastError("overlay lowerdir", lowers[0]);
            }

            foreach (var lower in lowers.Skip(1))
            {
                Set(fs, "lowerdir+", lower);
            }

            if (!ReadOnly)
            {
                Set(fs, "upperdir", UpperPath);
                Set(fs, "workdir", WorkPath);
                if (Libc.Fsconfig(fs, Libc.FsconfigSetFlag, "volatile", null, 0) != 0)
                {
                    throw LinuxErrno.LastError("overlay volatile", MergedPath); // every kernel with lowerdir+ (6.8) has it (5.10)
                }
            }

            Set(fs, "redirect_dir", "off");
            Set(fs, "metacopy", "off");
            if (Libc.Fsconfig(fs, Libc.FsconfigCmdCreate, null, null, 0) != 0)
            {
                throw LinuxErrno.LastError("create overlay for", MergedPath);
            }

            var mountFd = Libc.Fsmount(fs, Libc.FsmountCloexec, ReadOnly ? Libc.MountAttrRdonly : 0);
            if (mountFd < 0)
            {
                throw LinuxErrno.LastError("fsmount overlay for", MergedPath);
            }

            try
            {
                if (Libc.MoveMount(mountFd, string.Empty, LinuxFlags.AtFdCwd, MergedPath, Libc.MoveMountFEmptyPath) != 0)
                {
                    throw LinuxErrno.LastError("move_mount overlay to", MergedPath);
                }
            }
            finally
            {
                _ = Libc.Close(mountFd);
            }

            Volatile = !ReadOnly;
            return true;
        }
        finally
        {
            _ = Libc.Close(fs);
        }
    }

    private static void Set(int fs, string key, string value)
    {
        if (Libc.Fsconfig(fs, Libc.FsconfigSetString, key, value, 0) != 0)
        {
            throw LinuxErrno.LastError($"overlay {key}", value);
        }
    }

    private static void DetachAll(string mountPoint)
    {
        // Mounted more than once (a crashed run mounted it again?): peel every layer off.
        for (var i = 0; i < 16 && IsMountPoint(mountPoint); i++)
        {
            if (Libc.Umount2(mountPoint, Libc.MntDetach | Libc.UmountNoFollow) != 0)
            {
                throw LinuxErrno.LastError("umount", mountPoint);
            }
        }
    }

    private static bool NeedsEscaping(string path) => path.Contains(',', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal);

    /// <summary>Field 5 of a mountinfo line (the mount point), still escaped as the kernel writes it.</summary>
    private static string? MountInfoTarget(string line)
    {
        var fields = line.Split(' ', 6);
        return fields.Length >= 5 ? fields[4] : null;
    }

    /// <summary>The kernel's mountinfo escaping (fs/proc_namespace.c: space, tab, newline and backslash as octal).</summary>
    private static string MountInfoEscape(string path) => path
        .Replace("\\", "\\134", StringComparison.Ordinal)
        .Replace(" ", "\\040", StringComparison.Ordinal)
        .Replace("\t", "\\011", StringComparison.Ordinal)
        .Replace("\n", "\\012", StringComparison.Ordinal);
}
