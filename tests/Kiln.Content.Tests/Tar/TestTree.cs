using System.Security.Cryptography;
using Kiln.Content.Tests.Support;

namespace Kiln.Content.Tests.Tar;

/// <summary>A directory with every case a layer must carry, built with the real tools a user would use.</summary>
internal static class TestTree
{
    public const long FixedTime = 1_700_000_000; // 2023-11-14

    public static readonly string LongSplittable = "deep/" + new string('a', 60) + "/" + new string('b', 70); // 136 bytes: ustar prefix + name
    public static readonly string LongComponent = new('e', 150); // one 150-byte component: PAX path
    public static readonly string VeryLong = "long/" + new string('c', 200) + "/" + new string('d', 120); // 326 bytes: PAX path
    public static readonly string LongTarget = string.Join('/', Enumerable.Repeat("target-directory", 10)); // 169 bytes: PAX linkpath

    /// <summary>Cases any user can create.</summary>
    public static void CreateUnprivileged(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        Write(root, "bin/tool", "#!/bin/sh\necho tool\n");
        Mode(root, "bin/tool", "4755");
        Directory.CreateDirectory(Path.Combine(root, "tmp"));
        Mode(root, "tmp", "1777");
        Directory.CreateDirectory(Path.Combine(root, "shared"));
        Mode(root, "shared", "2750");
        Directory.CreateDirectory(Path.Combine(root, "empty-dir"));
        Write(root, "empty-file", string.Empty);
        Write(root, "private", "secret\n");
        Mode(root, "private", "0600");
        Write(root, LongSplittable, "long but splittable\n");
        Write(root, LongComponent, "one long component\n");
        Write(root, VeryLong, "very long\n");
        Write(root, "ünïcødé/日本語.txt", "non-ASCII\n");
        Tool.Run("bash", "-c", $"cd '{root}' && printf 'latin-1\\n' > $'caf\\xe9'");
        File.CreateSymbolicLink(Path.Combine(root, "bin/link"), "tool");
        File.CreateSymbolicLink(Path.Combine(root, "absolute"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(root, "dangling"), "../nowhere");
        File.CreateSymbolicLink(Path.Combine(root, "long-link"), LongTarget);
        Write(root, "hard/a", "shared content\n");
        Tool.Run("ln", Path.Combine(root, "hard/a"), Path.Combine(root, "hard/b"));
        Tool.Run("ln", Path.Combine(root, "hard/a"), Path.Combine(root, "z-" + new string('h', 120)));
        Tool.Run("mkfifo", Path.Combine(root, "fifo"));
        var big = new byte[(3 * 1024 * 1024) + 123];
        new Random(42).NextBytes(big);
        File.WriteAllBytes(Path.Combine(root, "big.bin"), big);
        Write(root, "xattr-file", "with attributes\n");

        // A binary value with NUL, newline and '=': PAX records are length-prefixed, so raw bytes survive.
        Tool.Run("setfattr", "-n", "user.binary", "-v", "0x00ff0a3d0000", Path.Combine(root, "xattr-file"));
        Tool.Run("setfattr", "-n", "user.text", "-v", "hello", Path.Combine(root, "xattr-file"));
        Tool.Run("setfattr", "-n", "user.on-dir", "-v", "0x01", Path.Combine(root, "empty-dir"));
        SetTimes(root);
    }

    /// <summary>Cases that need root: owner ids beyond ustar's 7 octal digits, devices, file capabilities.</summary>
    public static void CreatePrivileged(string root)
    {
        Write(root, "big-ids", "owned by 3000000:3000001\n");
        Tool.Run("chown", "3000000:3000001", Path.Combine(root, "big-ids"));
        Directory.CreateDirectory(Path.Combine(root, "dev"));
        Tool.Run("mknod", Path.Combine(root, "dev/null"), "c", "1", "3");
        Tool.Run("mknod", Path.Combine(root, "dev/loop0"), "b", "7", "0");
        Write(root, "ping", "pretend binary\n");
        Tool.Run("setcap", "cap_net_raw,cap_net_bind_service=+ep", Path.Combine(root, "ping"));
        SetTimes(root);
    }

    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Fixed times, with -h so symlinks get their own; directories last, since creating entries changes them.</summary>
    public static void SetTimes(string root, long seconds = FixedTime) =>
        Tool.Run("bash", "-c", $"cd '{root}' && find . -mindepth 1 ! -type d -exec touch -h -d @{seconds} {{}} + && find . -mindepth 1 -type d -exec touch -h -d @{seconds} {{}} +");

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static void Mode(string root, string relative, string octal) => Tool.Run("chmod", octal, Path.Combine(root, relative));
}
