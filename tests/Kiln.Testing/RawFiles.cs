using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Kiln.Testing;

/// <summary>
/// Makes and reads files by byte paths, straight through libc: System.IO decodes names lossily (a byte that is not
/// UTF-8 becomes U+FFFD), so it can neither make nor see a name like Latin-1 "caf\xE9". Independent of Kiln's own
/// bindings, so a test does not check Kiln with Kiln.
/// </summary>
public static unsafe partial class RawFiles
{
    public const uint Regular = 0x8000;
    public const uint Dir = 0x4000;
    public const uint SymbolicLink = 0xA000;
    public const uint CharDevice = 0x2000;
    public const uint BlockDevice = 0x6000;
    public const uint Fifo = 0x1000;
    public const uint Socket = 0xC000;

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;

    /// <summary>What lstat says about a path.</summary>
    public readonly record struct Stat(uint Type, uint Mode, uint Uid, uint Gid, long Size, uint Links, ulong Inode, uint RdevMajor, uint RdevMinor, long MtimeSeconds);

    public static byte[] Bytes(string path) => Encoding.UTF8.GetBytes(path);

    public static byte[] Join(byte[] directory, byte[] name) => [.. directory, (byte)'/', .. name];

    /// <summary>A path for messages: bytes that are not printable ASCII as \xNN.</summary>
    public static string Show(ReadOnlySpan<byte> path)
    {
        var builder = new StringBuilder();
        foreach (var b in path)
        {
            builder.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return builder.ToString();
    }

    public static void Mkdir(byte[] path, uint mode)
    {
        Check(mkdir(Z(path), mode), "mkdir", path);
        Chmod(path, mode); // past the umask
    }

    public static void WriteFile(byte[] path, byte[] content, uint mode = 0x1A4)
    {
        var fd = open(Z(path), 0x41 | 0x200 /* O_WRONLY|O_CREAT|O_TRUNC */, mode);
        Check(fd < 0 ? -1 : 0, "create", path);
        try
        {
            fixed (byte* p = content)
            {
                for (var done = 0; done < content.Length;)
                {
                    var n = write(fd, p + done, (nuint)(content.Length - done));
                    Check(n < 0 ? -1 : 0, "write", path);
                    done += (int)n;
                }
            }
        }
        finally
        {
            _ = close(fd);
        }

        Chmod(path, mode); // past the umask
    }

    public static byte[] ReadFile(byte[] path)
    {
        var fd = open(Z(path), 0, 0);
        Check(fd < 0 ? -1 : 0, "open", path);
        try
        {
            using var result = new MemoryStream();
            var buffer = new byte[64 * 1024];
            fixed (byte* p = buffer)
            {
                while (true)
                {
                    var n = read(fd, p, (nuint)buffer.Length);
                    Check(n < 0 ? -1 : 0, "read", path);
                    if (n == 0)
                    {
                        return result.ToArray();
                    }

                    result.Write(buffer, 0, (int)n);
                }
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    public static void Symlink(byte[] target, byte[] path) => Check(symlink(Z(target), Z(path)), "symlink", path);

    public static void Link(byte[] existing, byte[] path) => Check(link(Z(existing), Z(path)), "link", path);

    /// <summary>A FIFO, or (as root) a device node.</summary>
    public static void Mknod(byte[] path, uint type, uint mode, uint major = 0, uint minor = 0)
    {
        // glibc's makedev: major's low 12 bits at 8..19 and high bits at 32..; minor's low 8 bits at 0..7, the rest at 12..31.
        var device = ((ulong)(major & 0xFFF) << 8) | ((ulong)(major & ~0xFFFu) << 32) | (minor & 0xFFu) | ((ulong)(minor & ~0xFFu) << 12);
        Check(mknod(Z(path), type | mode, device), "mknod", path);
        Chmod(path, mode); // past the umask
    }

    public static void Lchown(byte[] path, uint uid, uint gid) => Check(lchown(Z(path), uid, gid), "lchown", path);

    /// <summary>chmod (follows a symlink: never call it on one).</summary>
    public static void Chmod(byte[] path, uint mode) => Check(chmod(Z(path), mode), "chmod", path);

    public static void SetXattr(byte[] path, string name, byte[] value)
    {
        fixed (byte* v = value)
        {
            Check(lsetxattr(Z(path), Z(Bytes(name)), v, (nuint)value.Length, 0), "setxattr " + name, path);
        }
    }

    public static void SetMtime(byte[] path, long seconds)
    {
        var times = stackalloc long[4] { seconds, 0, seconds, 0 };
        Check(utimensat(AtFdCwd, Z(path), times, AtSymlinkNoFollow), "utimensat", path);
    }

    public static Stat Lstat(byte[] path)
    {
        var buffer = stackalloc byte[256];
        Check(statx(AtFdCwd, Z(path), AtSymlinkNoFollow, 0x7FF, buffer), "statx", path);

        // struct statx (linux/stat.h): fixed offsets on every architecture.
        uint U32(int offset) => *(uint*)(buffer + offset);
        var mode = (uint)*(ushort*)(buffer + 28);
        return new Stat(
            mode & 0xF000,
            mode & 0xFFF,
            U32(20),
            U32(24),
            *(long*)(buffer + 40),
            U32(16),
            *(ulong*)(buffer + 32),
            U32(128),
            U32(132),
            *(long*)(buffer + 112));
    }

    public static bool Exists(byte[] path)
    {
        var buffer = stackalloc byte[256];
        return statx(AtFdCwd, Z(path), AtSymlinkNoFollow, 0x7FF, buffer) == 0;
    }

    /// <summary>The names in a directory, as bytes, sorted by bytes.</summary>
    public static List<byte[]> List(byte[] directory)
    {
        var dir = opendir(Z(directory));
        Check(dir == 0 ? -1 : 0, "opendir", directory);
        var names = new List<byte[]>();
        try
        {
            while (readdir(dir) is var entry && entry is not null)
            {
                // glibc's struct dirent64: d_ino, d_off, d_reclen, d_type, then d_name at 19.
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + 19);
                if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
                {
                    names.Add(name.ToArray());
                }
            }
        }
        finally
        {
            _ = closedir(dir);
        }

        names.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return names;
    }

    public static byte[] ReadLink(byte[] path)
    {
        var buffer = new byte[8192];
        fixed (byte* b = buffer)
        {
            var n = readlink(Z(path), b, (nuint)buffer.Length);
            Check(n < 0 ? -1 : 0, "readlink", path);
            return buffer[..(int)n];
        }
    }

    /// <summary>The path's xattrs (not following it), sorted by name; trusted.overlay.* left out.</summary>
    public static List<(string Name, byte[] Value)> Xattrs(byte[] path)
    {
        var list = new byte[65536];
        nint size;
        fixed (byte* l = list)
        {
            size = llistxattr(Z(path), l, (nuint)list.Length);
        }

        if (size < 0)
        {
            return Marshal.GetLastPInvokeError() == 95 /* EOPNOTSUPP */ ? [] : throw Failed("listxattr", path);
        }

        var result = new List<(string, byte[])>();
        foreach (var range in list.AsSpan(0, (int)size).Split((byte)0))
        {
            var name = list.AsSpan(0, (int)size)[range];
            if (name.IsEmpty || name.StartsWith("trusted.overlay."u8))
            {
                continue;
            }

            var value = new byte[65536];
            fixed (byte* v = value)
            {
                var n = lgetxattr(Z(path), Z(name.ToArray()), v, (nuint)value.Length);
                Check(n < 0 ? -1 : 0, "getxattr", path);
                result.Add((Encoding.Latin1.GetString(name), value[..(int)n]));
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return result;
    }

    /// <summary>
    /// Every entry below <paramref name="root"/>, one line each in byte order of paths: path, type, mode, owner,
    /// mtime, size and content hash or link target or device numbers, xattrs, and for a second name of one inode the
    /// first name it shares it with. Two trees with equal snapshots hold the same files.
    /// </summary>
    public static List<string> Snapshot(byte[] root, bool mtimes = true, Func<byte[], bool>? skip = null)
    {
        var lines = new List<string>();
        var inodes = new Dictionary<ulong, string>();
        Walk(root, [], lines, inodes, mtimes, skip);
        return lines;
    }

    private static void Walk(byte[] directory, byte[] relative, List<string> lines, Dictionary<ulong, string> inodes, bool mtimes, Func<byte[], bool>? skip)
    {
        foreach (var name in List(directory))
        {
            var path = Join(directory, name);
            byte[] rel = relative.Length == 0 ? name : [.. relative, (byte)'/', .. name];
            if (skip?.Invoke(rel) == true)
            {
                continue;
            }

            var stat = Lstat(path);
            var line = new StringBuilder();
            line.Append(Show(rel)).Append(' ').Append(stat.Type switch
            {
                Regular => "f",
                Dir => "d",
                SymbolicLink => "l",
                CharDevice => "c",
                BlockDevice => "b",
                Fifo => "p",
                _ => "s",
            });
            line.Append(' ').Append(Convert.ToString(stat.Mode, 8).PadLeft(4, '0'));
            line.Append(' ').Append(stat.Uid).Append(':').Append(stat.Gid);
            if (mtimes && stat.Type != Dir)
            {
                line.Append(" t=").Append(stat.MtimeSeconds);
            }

            if (stat.Type != Dir && stat.Links > 1)
            {
                if (inodes.TryGetValue(stat.Inode, out var first))
                {
                    line.Append(" link=").Append(first);
                }
                else
                {
                    inodes[stat.Inode] = Show(rel);
                }
            }

            switch (stat.Type)
            {
                case Regular:
                    line.Append(" size=").Append(stat.Size).Append(" sha=").Append(Convert.ToHexStringLower(SHA256.HashData(ReadFile(path)))[..16]);
                    break;
                case SymbolicLink:
                    line.Append(" -> ").Append(Show(ReadLink(path)));
                    break;
                case CharDevice or BlockDevice:
                    line.Append(" dev=").Append(stat.RdevMajor).Append(',').Append(stat.RdevMinor);
                    break;
            }

            foreach (var (xattr, value) in Xattrs(path))
            {
                line.Append(' ').Append(xattr).Append('=').Append(Convert.ToHexStringLower(value));
            }

            lines.Add(line.ToString());
            if (stat.Type == Dir)
            {
                if (mtimes)
                {
                    lines[^1] += " t=" + stat.MtimeSeconds;
                }

                Walk(path, rel, lines, inodes, mtimes, skip);
            }
        }
    }

    /// <summary>rm -rf by bytes (Directory.Delete cannot see a name that is not UTF-8, so it cannot remove one).</summary>
    public static void RemoveAll(byte[] path)
    {
        if (!Exists(path))
        {
            return;
        }

        if (Lstat(path).Type == Dir)
        {
            Chmod(path, 0x1C0);
            foreach (var name in List(path))
            {
                RemoveAll(Join(path, name));
            }

            Check(rmdir(Z(path)), "rmdir", path);
            return;
        }

        Check(unlink(Z(path)), "unlink", path);
    }

    private static byte[] Z(byte[] path) => [.. path, 0];

    private static void Check(int result, string operation, byte[] path)
    {
        if (result != 0)
        {
            throw Failed(operation, path);
        }
    }

    private static IOException Failed(string operation, byte[] path) =>
        new($"{operation} {Show(path)}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mkdir(byte[] path, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int open(byte[] path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int symlink(byte[] target, byte[] path);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int link(byte[] existing, byte[] path);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mknod(byte[] path, uint mode, ulong device);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int lchown(byte[] path, uint uid, uint gid);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int chmod(byte[] path, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int lsetxattr(byte[] path, byte[] name, byte* value, nuint size, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint lgetxattr(byte[] path, byte[] name, byte* value, nuint size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint llistxattr(byte[] path, byte* list, nuint size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int utimensat(int dirfd, byte[] path, long* times, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int statx(int dirfd, byte[] path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint opendir(byte[] path);

    [LibraryImport("libc", SetLastError = true)]
    private static partial byte* readdir(nint dir);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int closedir(nint dir);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unlink(byte[] path);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int rmdir(byte[] path);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint readlink(byte[] path, byte* buffer, nuint size);
}
