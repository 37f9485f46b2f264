using System.Runtime.InteropServices;
using Kiln.Runtime.Linux.Native;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Runtime.Linux.Locking;

/// <summary>
/// A flock held on a file: shared ("in use") or exclusive ("being made" or "being removed"). The lock belongs to
/// the open file description, so it is released by <see cref="Dispose"/> or by the process dying, SIGKILL
/// included: nothing is ever left locked by a crashed kiln.
/// </summary>
internal sealed class LockFile : IDisposable
{
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(50);

    private readonly SafeFileHandle _handle;

    private LockFile(SafeFileHandle handle, string path, bool exclusive)
    {
        _handle = handle;
        Path = path;
        IsExclusive = exclusive;
    }

    public string Path { get; }

    public bool IsExclusive { get; private set; }

    /// <summary>Waits for the lock, polling a non-blocking flock so that the wait can be cancelled.</summary>
    public static async Task<LockFile> AcquireAsync(string path, bool exclusive, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryAcquire(path, exclusive) is { } held)
            {
                return held;
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 > MaxPoll ? MaxPoll : delay * 2;
        }
    }

    /// <summary>The lock if nobody holds a conflicting one now, else null.</summary>
    public static LockFile? TryAcquire(string path, bool exclusive)
    {
        var fd = Libc.Open(path, Libc.ORdWr | Libc.OCreat | Libc.ONoFollow | Libc.OCloExec, 0x180 /* 0600 */);
        if (fd < 0)
        {
            throw Errno.Last("open lock file", path);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (TryLock(handle, exclusive ? Libc.LockExclusive : Libc.LockShared, path))
        {
            return new LockFile(handle, path, exclusive);
        }

        handle.Dispose();
        return null;
    }

    /// <summary>
    /// Exclusive to shared. Not atomic (flock converts by unlocking first), so a waiting exclusive locker may get
    /// in between: callers re-check what they locked for when that matters.
    /// </summary>
    public void Downgrade()
    {
        if (IsExclusive && !TryLock(_handle, Libc.LockShared, Path))
        {
            throw new IOException($"cannot downgrade the lock on {Path}");
        }

        IsExclusive = false;
    }

    /// <summary>
    /// Unlocks, then closes. Closing alone is not enough: a child forked by another thread holds a copy of the
    /// descriptor until its exec closes it (O_CLOEXEC), and the lock lives as long as any copy does. LOCK_UN
    /// releases it for every copy at once.
    /// </summary>
    public void Dispose()
    {
        if (!_handle.IsClosed)
        {
            _ = Libc.Flock((int)_handle.DangerousGetHandle(), Libc.LockUnlock);
        }

        _handle.Dispose();
    }

    private static bool TryLock(SafeFileHandle handle, int operation, string path)
    {
        while (Libc.Flock((int)handle.DangerousGetHandle(), operation | Libc.LockNonBlocking) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EAGAIN)
            {
                return false;
            }

            if (errno != Errno.EINTR)
            {
                throw Errno.From(errno, "flock", path);
            }
        }

        return true;
    }
}
