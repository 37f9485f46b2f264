using System.Runtime.InteropServices;
using System.Text;
using Kiln.Content.Native;

namespace Kiln.Runtime.Linux.Overlay;

/// <summary>Reads the <c>trusted.overlay.*</c> attributes overlayfs keeps its bookkeeping in (root only).</summary>
/// <remarks>https://docs.kernel.org/filesystems/overlayfs.html</remarks>
internal static class OverlayXattr
{
    public const string Opaque = "trusted.overlay.opaque";
    public const string Redirect = "trusted.overlay.redirect";
    public const string Metacopy = "trusted.overlay.metacopy";
    public const string Whiteout = "trusted.overlay.whiteout";

    /// <summary>The attribute's value, or null when the file does not have it.</summary>
    public static unsafe byte[]? Get(ReadOnlySpan<byte> path, string name)
    {
        byte[] pathZ = [.. path, 0];
        byte[] nameZ = [.. Encoding.ASCII.GetBytes(name), 0];
        var buffer = new byte[256];
        fixed (byte* p = pathZ)
        fixed (byte* n = nameZ)
        fixed (byte* v = buffer)
        {
            var length = Libc.Lgetxattr(p, n, v, (nuint)buffer.Length);
            if (length >= 0)
            {
                return buffer.AsSpan(0, (int)length).ToArray();
            }
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is LinuxErrno.ENODATA or LinuxErrno.EOPNOTSUPP
            ? null
            : throw LinuxErrno.ToException(errno, $"lgetxattr {name}", path);
    }
}
