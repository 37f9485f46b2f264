using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Kiln.Content.Native;
using Kiln.Content.Store;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.IO;

/// <summary>
/// A file the user named (<c>kiln save -o F</c>, <c>--output type=tar,dest=F</c>, <c>--iidfile F</c>), written
/// whole or not at all: the content goes to a file of its own in F's directory, which takes F's name only once it
/// is complete (<see cref="CommitAsync"/>), so a failed or interrupted write never leaves half a file under F.
/// </summary>
/// <remarks>
/// Nothing is left behind when the writer is killed (SIGKILL runs no cleanup code): where the filesystem has
/// <c>O_TMPFILE</c> the content is written to a file without a name, which the kernel frees with the writer's last
/// descriptor, and is linked in as F only at the end. Elsewhere, and in the instant between linking and renaming
/// when F exists already, the file has a name, <c>.F.&lt;12 hex&gt;.tmp</c>, and is flocked by its writer from
/// before the name is visible until after the rename. The next write of the same F removes those whose lock is
/// free: their writer is gone. Another kiln writing F at the same time holds its lock, so its file is left alone
/// (the later rename wins, as with any two writers of one file). A target that exists and is not a regular file
/// (<c>-o /dev/stdout</c>, a FIFO, a symlink) is written in place, through the link, as the shell's <c>&gt;</c> writes:
/// a rename would replace the link or the device node itself.
/// </remarks>
public sealed class ReplacementFile : IAsyncDisposable
{
    private const UnixFileMode DefaultMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
        | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    private const string TempSuffix = ".tmp";
    private const int TempHexLength = 12;

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    // __O_TMPFILE, which the kernel only accepts together with O_DIRECTORY (open(2)).
    private static readonly int OTmpFile = 0x400000 | LinuxFlags.ODirectory;

    private readonly string _directory;
    private readonly string _name;
    private readonly SafeFileHandle? _handle;
    private readonly bool _unnamed;
    private string? _tempPath;
    private bool _committed;

    private ReplacementFile(string path, Stream stream, SafeFileHandle? handle, bool unnamed, string? tempPath)
    {
        Path = path;
        Stream = stream;
        _handle = handle;
        _unnamed = unnamed;
        _tempPath = tempPath;
        _directory = System.IO.Path.GetDirectoryName(path)!;
        _name = System.IO.Path.GetFileName(path);
    }

    /// <summary>The file that is replaced, as a full path.</summary>
    public string Path { get; }

    /// <summary>Where the content goes.</summary>
    public Stream Stream { get; }

    /// <summary>Removes what killed writers of <paramref name="path"/> left, and starts writing its replacement.</summary>
    /// <param name="path">The file to replace.</param>
    /// <param name="mode">The new file's mode, less the umask (0666 by default; 0600 for a file that holds passwords).</param>
    public static ReplacementFile Create(string path, UnixFileMode mode = DefaultMode) => Create(path, mode, unnamedIfPossible: true);

    /// <summary><paramref name="unnamedIfPossible"/> false: the named way, which filesystems without O_TMPFILE get (for tests).</summary>
    internal static ReplacementFile Create(string path, UnixFileMode mode, bool unnamedIfPossible)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        if (StatxAt.TryGetPath(full, LinuxFlags.AtSymlinkNoFollow, LinuxFlags.StatxType, out var existing)
            && (existing.Mode & LinuxFlags.SIfMt) != LinuxFlags.SIfReg)
        {
            if ((existing.Mode & LinuxFlags.SIfMt) == LinuxFlags.SIfDir)
            {
                throw new IOException($"{path} is a directory");
            }

            // Through the link or into the device, as the shell's > writes: a rename would replace the link itself.
            var inPlace = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 0);
            return new ReplacementFile(full, inPlace, null, unnamed: false, tempPath: null) { _committed = true };
        }

        var directory = System.IO.Path.GetDirectoryName(full)!;
        var name = System.IO.Path.GetFileName(full);
        RemoveStale(directory, name);
        if (unnamedIfPossible && OpenUnnamed(directory, mode) is { } unnamed)
        {
            return new ReplacementFile(full, Writer(unnamed), unnamed, unnamed: true, tempPath: null);
        }

        var (handle, temp) = OpenNamed(directory, name, mode);
        return new ReplacementFile(full, Writer(handle), handle, unnamed: false, tempPath: temp);
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> (an id file, a metadata file).</summary>
    public static async Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var file = Create(path, DefaultMode);
        await using (file.ConfigureAwait(false))
        {
            await file.Stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            await file.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Makes the content durable and gives it the file's name.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_committed)
        {
            return;
        }

        ((FileStream)Stream).Flush(flushToDisk: true);
        if (_unnamed)
        {
            // Linked straight in when the name is free (no instant with a second name); else beside it, then renamed.
            if (Link(Path))
            {
                _committed = true;
                return;
            }

            while (true)
            {
                var temp = TempPath(_directory, _name);
                if (Link(temp))
                {
                    _tempPath = temp;
                    break;
                }
            }
        }

        File.Move(_tempPath!, Path, overwrite: true);
        _tempPath = null;
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_committed && _tempPath is not null && _handle is not null && NamesFile(_tempPath, _handle))
            {
                File.Delete(_tempPath);
            }
        }
        finally
        {
            // Closing drops the flock, after the rename or the removal.
            await Stream.DisposeAsync().ConfigureAwait(false);
            _handle?.Dispose();
        }
    }

    private static FileStream Writer(SafeFileHandle handle) => new(handle, FileAccess.Write, 1 << 16);

    /// <summary>An O_TMPFILE file in <paramref name="directory"/>, locked; null where the filesystem (or /proc, needed to link it) has none.</summary>
    private static SafeFileHandle? OpenUnnamed(string directory, UnixFileMode mode)
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            return null;
        }

        SafeFileHandle handle;
        try
        {
            handle = RawFile.Open(directory, OTmpFile | LinuxFlags.OWrOnly, (uint)mode);
        }
        catch (IOException e) when (e.HResult is LinuxErrno.EOPNOTSUPP or LinuxErrno.EISDIR or LinuxErrno.EINVAL)
        {
            return null;
        }

        Lock(handle, directory);
        return handle;
    }

    /// <summary>A new <c>.NAME.HEX.tmp</c> in <paramref name="directory"/>, locked while it still has that name.</summary>
    private static (SafeFileHandle Handle, string Path) OpenNamed(string directory, string name, UnixFileMode mode)
    {
        while (true)
        {
            var temp = TempPath(directory, name);
            SafeFileHandle handle;
            try
            {
                handle = RawFile.Open(temp, LinuxFlags.OWrOnly | LinuxFlags.OCreat | LinuxFlags.OExcl | LinuxFlags.ONoFollow, (uint)mode);
            }
            catch (IOException e) when (e.HResult == LinuxErrno.EEXIST)
            {
                continue;
            }

            // Between the open and the lock another kiln may have taken the file for a dead writer's and removed
            // it: then this one writes under another name.
            Lock(handle, temp);
            if (NamesFile(temp, handle))
            {
                return (handle, temp);
            }

            handle.Dispose();
        }
    }

    private static string TempPath(string directory, string name) =>
        System.IO.Path.Combine(directory, $".{name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(TempHexLength / 2))}{TempSuffix}");

    /// <summary>Removes the temp files of <paramref name="name"/> whose writer is gone (their flock is free).</summary>
    private static void RemoveStale(string directory, string name)
    {
        var prefix = "." + name + ".";
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory);
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }

        foreach (var candidate in candidates)
        {
            var file = System.IO.Path.GetFileName(candidate);
            if (file.Length != prefix.Length + TempHexLength + TempSuffix.Length || !file.StartsWith(prefix, StringComparison.Ordinal)
                || !file.EndsWith(TempSuffix, StringComparison.Ordinal) || file.AsSpan(prefix.Length, TempHexLength).ContainsAnyExcept(LowerHex))
            {
                continue;
            }

            SafeFileHandle handle;
            try
            {
                handle = RawFile.Open(candidate, LinuxFlags.ORdOnly | LinuxFlags.ONoFollow | LinuxFlags.ONonBlock);
            }
            catch (IOException)
            {
                continue; // gone meanwhile, or not ours to open
            }

            using (handle)
            {
                if (FileLock.TryLock(RawFile.Fd(handle), exclusive: true, candidate) && NamesFile(candidate, handle))
                {
                    File.Delete(candidate);
                }
            }
        }
    }

    /// <summary>Waits for the flock: only a kiln checking a temp file for a dead writer holds it, for an instant.</summary>
    private static void Lock(SafeFileHandle handle, string path)
    {
        while (Libc.Flock(RawFile.Fd(handle), LinuxFlags.LockExclusive) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != LinuxErrno.EINTR)
            {
                handle.Dispose();
                throw LinuxErrno.ToException(errno, "lock", path);
            }
        }
    }

    /// <summary>Whether <paramref name="path"/> is (still) the file open as <paramref name="handle"/>.</summary>
    private static bool NamesFile(string path, SafeFileHandle handle) =>
        StatxAt.TryGetPath(path, LinuxFlags.AtSymlinkNoFollow, LinuxFlags.StatxBasicStats, out var named)
        && StatxAt.TryGet(handle, string.Empty, LinuxFlags.AtEmptyPath, LinuxFlags.StatxBasicStats, out var open)
        && named.Ino == open.Ino && named.DevMajor == open.DevMajor && named.DevMinor == open.DevMinor;

    /// <summary>Gives the unnamed file the name <paramref name="path"/>; false when that name is taken.</summary>
    private bool Link(string path)
    {
        using var directory = RawFile.Open(_directory, LinuxFlags.OPath | LinuxFlags.ODirectory);
        var source = "/proc/self/fd/" + RawFile.Fd(_handle!).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Libc.Linkat(directory, source, directory, System.IO.Path.GetFileName(path), LinuxFlags.AtSymlinkFollow) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == LinuxErrno.EEXIST ? false : throw LinuxErrno.ToException(errno, "link", path);
    }
}
