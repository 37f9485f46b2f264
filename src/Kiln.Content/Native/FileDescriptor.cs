using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

/// <summary>An owned file descriptor from <see cref="Open"/>, closed exactly once (which also drops its flock).</summary>
internal sealed class FileDescriptor : SafeHandle
{
    public FileDescriptor()
        : base(new IntPtr(-1), ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle.ToInt64() < 0;

    public int Value => (int)handle.ToInt64();

    /// <summary>Opens <paramref name="path"/> with open(2) flags; CloseOnExec is always added so child processes never inherit a lock.</summary>
    public static FileDescriptor OpenPath(string path, int flags, uint mode = 0)
    {
        var fd = Native.Open.Call(path, flags | Native.Open.CloseOnExec, mode);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        var descriptor = new FileDescriptor();
        descriptor.SetHandle(new IntPtr(fd));
        return descriptor;
    }

    protected override bool ReleaseHandle() => Native.Close.Call(Value) == 0;
}
