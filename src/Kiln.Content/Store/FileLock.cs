using System.Runtime.InteropServices;
using Kiln.Content.Native;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Store;

/// <summary>
/// A held flock on a lock file, the one kind of lock kiln processes share: the content store's
/// <c>locks/store.lock</c> (shared for blob readers and writers and image edits, exclusive for prune and delete)
/// and the snapshot store's per-layer and per-mount <c>.lock</c> files (shared "in use", exclusive "being made" or
/// "being removed"). flock is tied to the open file description, so locks taken on separate descriptors in one
/// process exclude each other exactly as across processes; dropping the descriptor (or the process dying, SIGKILL
/// included) releases it, so a killed kiln never leaves anything locked. The file is opened natively: .NET's
/// FileStream takes a flock of its own on open, which would fail against the very locks these files exist for.
/// </summary>
public sealed class FileLock : IDisposable
{
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(50);

    private readonly SafeFileHandle _descriptor;

    private FileLock(SafeFileHandle descriptor, bool exclusive)
    {
        _descriptor = descriptor;
        IsExclusive = exclusive;
    }

    public bool IsExclusive { get; }

    /// <summary>
    /// Waits for the lock. The wait polls a non-blocking flock so it can be cancelled; a caller that already
    /// holds a shared lock on the same file and asks for an exclusive one waits forever (until cancelled).
    /// </summary>
    public static async Task<FileLock> AcquireAsync(string path, bool exclusive, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(1);
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
    public static FileLock? TryAcquire(string path, bool exclusive)
    {
        SafeFileHandle? descriptor = RawFile.Open(path, LinuxFlags.ORdWr | LinuxFlags.OCreat | LinuxFlags.ONoFollow, 0x1A4 /* 0644 */);
        try
        {
            if (TryLock(RawFile.Fd(descriptor), exclusive, path))
            {
                var held = new FileLock(descriptor, exclusive);
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
