using Kiln.Content.Native;

namespace Kiln.Content.Tests.Layers;

/// <summary>Sets an xattr with the production lsetxattr binding (setfattr is not installed everywhere).</summary>
internal static class Xattr
{
    public static void Set(string path, string name, byte[] value)
    {
        if (Libc.Lsetxattr(path, name, value, (nuint)value.Length, 0) != 0)
        {
            throw LinuxErrno.LastError("setxattr", path);
        }
    }
}
