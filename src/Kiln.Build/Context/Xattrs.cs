using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Kiln.Content.Native;
using Kiln.Content.Paths;

namespace Kiln.Build.Context;

/// <summary>Reads a name's extended attributes without following it (llistxattr/lgetxattr).</summary>
internal static class Xattrs
{
    /// <summary>
    /// All xattrs of <paramref name="path"/>, sorted by name. overlayfs' own trusted.overlay.* are left out: they
    /// describe the snapshot, not the file. A filesystem without xattr support reads as none.
    /// </summary>
    public static unsafe ImmutableArray<(string Name, byte[] Value)> Read(string path)
    {
        var pathBytes = FileNameEncoding.Encode(path + "\0");
        fixed (byte* p = pathBytes)
        {
            var size = Libc.Llistxattr(p, null, 0);
            if (size < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno is LinuxErrno.EOPNOTSUPP or LinuxErrno.ENOENT ? [] : throw LinuxErrno.ToException(errno, "listxattr", path);
            }

            if (size == 0)
            {
                return [];
            }

            var list = new byte[size];
            fixed (byte* l = list)
            {
                size = Libc.Llistxattr(p, l, (nuint)list.Length);
                if (size < 0)
                {
                    throw LinuxErrno.LastError("listxattr", path);
                }
            }

            var result = new List<(string, byte[])>();
            var start = 0;
            for (var i = 0; i < size; i++)
            {
                if (list[i] != 0)
                {
                    continue;
                }

                var name = FileNameEncoding.Decode(list.AsSpan(start, i - start));
                start = i + 1;
                if (name.Length == 0 || name.StartsWith("trusted.overlay.", StringComparison.Ordinal))
                {
                    continue;
                }

                result.Add((name, ReadValue(p, name, path)));
            }

            result.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
            return [.. result];
        }
    }

    private static unsafe byte[] ReadValue(byte* path, string name, string display)
    {
        var nameBytes = FileNameEncoding.Encode(name + "\0");
        fixed (byte* n = nameBytes)
        {
            for (var attempt = 0; attempt < 4; attempt++)
            {
                var size = Libc.Lgetxattr(path, n, null, 0);
                if (size < 0)
                {
                    throw LinuxErrno.LastError($"getxattr {name}", display);
                }

                var value = new byte[size];
                fixed (byte* v = value)
                {
                    var read = Libc.Lgetxattr(path, n, v, (nuint)value.Length);
                    if (read >= 0)
                    {
                        return value.AsSpan(0, (int)read).ToArray();
                    }
                }

                // ERANGE: the value grew between the two calls; ask again.
            }

            throw new IOException($"getxattr {name} {display}: the value keeps changing size");
        }
    }
}
