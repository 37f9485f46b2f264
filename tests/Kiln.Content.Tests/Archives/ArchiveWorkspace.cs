using Kiln.Content.Archives;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Content.Tests.Support;
using Kiln.Oci;

namespace Kiln.Content.Tests.Archives;

/// <summary>A temp directory with store roots in it, the real tools the archive tests check against, and a busybox rootfs.</summary>
internal sealed class ArchiveWorkspace : IDisposable
{
    private readonly TempDirectory _directory = new("kiln-archives-");

    public string Path => _directory.Path;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public ImageStore Store(string name) => ImageStore.Open(ContentStore.Open(new StoreRoot(File(name))));

    /// <summary>A rootfs tar made by GNU tar from Debian's busybox-static: /bin/busybox, a few applet links and /hello.txt.</summary>
    public string BusyboxRootfs(string name = "rootfs.tar")
    {
        var busybox = new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(System.IO.File.Exists);
        Assert.True(busybox is not null, "busybox-static is required (apt-get install busybox-static)");
        var rootfs = File("rootfs-" + name);
        Directory.CreateDirectory(System.IO.Path.Combine(rootfs, "bin"));
        System.IO.File.Copy(busybox, System.IO.Path.Combine(rootfs, "bin", "busybox"), overwrite: true);
        foreach (var applet in new[] { "sh", "ls", "cat", "true" })
        {
            System.IO.File.CreateSymbolicLink(System.IO.Path.Combine(rootfs, "bin", applet), "busybox");
        }

        System.IO.File.WriteAllText(System.IO.Path.Combine(rootfs, "hello.txt"), "hello from kiln\n");
        var tar = File(name);
        Run("tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-C", rootfs, "-cf", tar, ".");
        return tar;
    }

    public static ImportRequest Request(string name, string source = "rootfs.tar") =>
        new(ImageReference.Parse(name), OciPlatform.Parse("linux/amd64"), new ContainerConfig { Cmd = ["/bin/sh"] }, source, OciTimestamp.FromUnixSeconds(1_700_000_000));

    public static async Task<ImportResult> ImportAsync(ImageStore store, string tar, string name)
    {
        await using var input = System.IO.File.OpenRead(tar);
        return await RootfsImporter.ImportAsync(store, input, Request(name), CancellationToken.None);
    }

    public async Task SaveAsync(ImageStore store, string file, params string[] names)
    {
        await using var output = System.IO.File.Create(File(file));
        await ImageArchiveWriter.WriteAsync(store, names, output, CancellationToken.None);
    }

    public async Task<System.Collections.Immutable.ImmutableArray<LoadedImage>> LoadAsync(ImageStore store, string file)
    {
        await using var input = System.IO.File.OpenRead(File(file));
        return await ImageArchiveLoader.LoadTarAsync(store, input, file, CancellationToken.None);
    }

    /// <summary>Runs a real tool in the workspace (a missing one fails the test) and returns its standard output.</summary>
    public string Run(string tool, params string[] args) => Tool.RunIn(Path, tool, args);

    public void Dispose() => _directory.Dispose();
}
