using Kiln.Content.Archives;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>
/// A base image made from Debian's busybox-static: <c>/bin/busybox</c> with every applet as a symlink, users and
/// groups, and an <c>/opaque</c> directory with two files to delete. Packed with GNU tar and imported with
/// <see cref="RootfsImporter"/> into a fresh temp store per test.
/// </summary>
internal static class BusyboxImage
{
    public const string Name = "test/busybox:latest";

    private static readonly Lazy<string> Tarball = new(Build);

    public static async Task<TestStore> CreateStoreAsync()
    {
        Tool.RequireRoot();
        var store = new TestStore();
        var stream = File.OpenRead(Tarball.Value);
        await using (stream)
        {
            await RootfsImporter.ImportAsync(
                store.Images,
                stream,
                new ImportRequest(
                    ImageReference.ParseNormalized(Name),
                    OciPlatform.Host,
                    new ContainerConfig { Cmd = ["sh"], Env = ["PATH=/bin", "GREETING=hello"] },
                    "busybox.tar",
                    OciTimestamp.FromUnixSeconds(1_700_000_000)),
                CancellationToken.None);
        }

        return store;
    }

    private static string Build()
    {
        var directory = Directory.CreateTempSubdirectory("kiln-rt-rootfs-").FullName;
        var rootfs = Path.Combine(directory, "rootfs");
        foreach (var sub in new[] { "bin", "etc", "tmp", "opaque", "home/alice", "root" })
        {
            Directory.CreateDirectory(Path.Combine(rootfs, sub));
        }

        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in Tool.Run("/bin/busybox", "--list").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (applet != "busybox")
            {
                File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
            }
        }

        File.WriteAllText(Path.Combine(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\nbob:x:1001:100:Bob:/nonexistent:/bin/sh\n");
        File.WriteAllText(Path.Combine(rootfs, "etc", "group"), "root:x:0:\nwheel:x:10:alice\nusers:x:100:alice,bob\nalice:x:1000:\n");
        File.WriteAllText(Path.Combine(rootfs, "opaque", "a"), "a\n");
        File.WriteAllText(Path.Combine(rootfs, "opaque", "b"), "b\n");
        File.WriteAllText(Path.Combine(rootfs, "etc", "motd"), "base\n");
        Tool.Run("chmod", "1777", Path.Combine(rootfs, "tmp"));
        var tar = Path.Combine(directory, "busybox.tar");
        Tool.Run("tar", "--numeric-owner", "--owner=0", "--group=0", "-C", rootfs, "-cf", tar, ".");
        return tar;
    }
}
