using System.Runtime.InteropServices;
using Kiln.Content.Native;

namespace Kiln.Content.IO;

/// <summary>
/// The process's standard output or error, written with write(2) on the inherited descriptor as .NET's console
/// stream writes it (the shell's file offset moves, <c>&gt;&gt;</c> appends), but without hiding a reader that went
/// away: .NET ignores SIGPIPE and its console stream drops EPIPE, so <c>kiln build ... | head -1</c> would build to the
/// end writing into nothing. On EPIPE this stream calls <paramref name="onBrokenPipe"/> (once) and from then on
/// discards what it is given, so that its owner can stop the work and clean up undisturbed.
/// </summary>
public sealed class StandardStream(int descriptor, Action onBrokenPipe) : Stream
{
    private int _broken;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Whether a write found the pipe without a reader.</summary>
    public bool IsBroken => Volatile.Read(ref _broken) != 0;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            var written = 0;
            while (written < buffer.Length && !IsBroken)
            {
                var result = Libc.Write(descriptor, start + written, (nuint)(buffer.Length - written));
                if (result >= 0)
                {
                    written += (int)result;
                    continue;
                }

                var errno = Marshal.GetLastPInvokeError();
                switch (errno)
                {
                    case LinuxErrno.EINTR:
                        break;
                    case LinuxErrno.EAGAIN:
                        // Someone made the shared descriptor non-blocking: wait for the reader.
                        Thread.Sleep(1);
                        break;
                    case LinuxErrno.EPIPE:
                        if (Interlocked.Exchange(ref _broken, 1) == 0)
                        {
                            onBrokenPipe();
                        }

                        return;
                    default:
                        throw new IOException($"cannot write to file descriptor {descriptor}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
                }
            }
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
