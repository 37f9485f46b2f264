using System.Runtime.InteropServices;
using Kiln.Content.Native;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Store;

/// <summary>
/// A held flock on a file under <c>locks/</c>: shared (blob readers and writers, image edits) or exclusive
/// (prune, delete). flock is tied to the open file description, so locks taken on separate descriptors in
/// one process exclude each other exactly as across processes; dropping the descriptor (or the process dying)
/// releases it, so a killed kiln never leaves the store locked.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(100);

    private readonly SafeFileHandle _descriptor;

    private StoreLock(SafeFileHandle descriptor, bool exclusive)
    {
        _descriptor = descriptor;
        IsExclusive = exclusive;
    }

    public bool IsExclusive { get; }

    /// <summary>
    /// Waits for the lock. The wait polls a non-blocking flock so it can be cancelled; a caller that already
    /// holds a shared lock on the same file and asks for an exclusive one waits forever (until cancelled).
    /// </summary>
    internal static async Task<StoreLock> AcquireAsync(string path, bool exclusive, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(2);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var held = TryAcquire(path, exclusive);
            if (held is not null)
            {
                return held;
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 > MaxPoll ? MaxPoll : delay * 2;
        }
    }

    /// <summary>The lock if it is free now, else null.</summary>
    internal static StoreLock? TryAcquire(string path, bool exclusive)
    {
        SafeFileHandle? descriptor = RawFile.Open(path, LinuxFlags.ORdWr | LinuxFlags.OCreat | LinuxFlags.ONoFollow, 0x1A4 /* 0644 */);
        try
        {
            if (TryLock(RawFile.Fd(descriptor), exclusive, path))
            {
                var held = new StoreLock(descriptor, exclusive);
                descriptor = null;
                return held;
            }

            return null;
        }
        finally
        {
            descriptor?.Dispose();
        }
    }

    /// <summary>True when the flock was taken, false when another holder has it; other errors throw.</summary>
    internal static bool TryLock(int fd, bool exclusive, string path)
    {
        var operation = (exclusive ? LinuxFlags.LockExclusive : LinuxFlags.LockShared) | LinuxFlags.LockNonBlocking;
        while (Libc.Flock(fd, operation) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            const int EWOULDBLOCK = 11;
            if (errno == EWOULDBLOCK)
            {
                return false;
            }

            if (errno != LinuxErrno.EINTR)
            {
                throw new IOException($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }
        }

        return true;
    }

    /// <summary>
    /// Unlocks, then closes: a child forked by another thread keeps a copy of the descriptor until its exec, and
    /// the lock would live as long as that copy; LOCK_UN releases it for every copy.
    /// </summary>
    public void Dispose()
    {
        if (!_descriptor.IsClosed)
        {
            _ = Libc.Flock(RawFile.Fd(_descriptor), LinuxFlags.LockUnlock);
        }

        _descriptor.Dispose();
    }
}
