using Kiln.Build.Copy;
using static Kiln.Build.Tests.Copy.CopyWorkspace;

namespace Kiln.Build.Tests.Copy;

/// <summary>ADD of local archives, made by GNU tar and the real compressors.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AddArchiveTests
{
    [Theory]
    [InlineData("plain", null)]
    [InlineData("gzip", "gzip")]
    [InlineData("bzip2", "bzip2")]
    [InlineData("xz", "xz")]
    [InlineData("zstd", "zstd")]
    public async Task Local_archive_is_extracted_into_the_destination(string kind, string? tool)
    {
        if (!Prerequisites.Tool("tar") || (tool is not null && !Prerequisites.Tool(tool)))
        {
            return;
        }

        using var w = new CopyWorkspace();
        var tree = Path.Join(w.Root, "tree");
        Directory.CreateDirectory(Path.Join(tree, "pkg/bin"));
        File.WriteAllText(Path.Join(tree, "pkg/bin/tool"), "T");
        File.SetUnixFileMode(Path.Join(tree, "pkg/bin/tool"), (UnixFileMode)0x1ED);
        File.WriteAllText(Path.Join(tree, "pkg/readme"), "R");
        File.SetUnixFileMode(Path.Join(tree, "pkg/readme"), (UnixFileMode)0x1A4);
        File.SetUnixFileMode(Path.Join(tree, "pkg"), (UnixFileMode)0x1ED);
        File.SetUnixFileMode(Path.Join(tree, "pkg/bin"), (UnixFileMode)0x1ED);
        File.CreateSymbolicLink(Path.Join(tree, "pkg/link"), "bin/tool");
        File.WriteAllText(Path.Join(tree, "pkg/.wh.not-a-whiteout"), "W");
        File.SetUnixFileMode(Path.Join(tree, "pkg/.wh.not-a-whiteout"), (UnixFileMode)0x1A4);
        var archive = Path.Join(w.Context, "pkg.archive");
        var args = new List<string> { "-c", "--owner=0", "--group=0", "-f", archive, "-C", tree };
        if (tool is not null)
        {
            args.Insert(1, "--use-compress-program=" + tool);
        }

        args.Add("pkg");
        Prerequisites.Run("tar", w.Root, [.. args]);
        await w.RunAsync(AddOf("/opt", "pkg.archive"));
        Assert.Equal(
            [
                "/opt d 0755",
                "/opt/pkg d 0755",
                "/opt/pkg/.wh.not-a-whiteout f 0644 =W",
                "/opt/pkg/bin d 0755",
                "/opt/pkg/bin/tool f 0755 =T",
                "/opt/pkg/link l 0777 -> bin/tool",
                "/opt/pkg/readme f 0644 =R",
            ],
            w.Tree(owners: false));
        _ = kind;
    }

    [Fact]
    public async Task Device_nodes_and_fifos_are_made_as_the_archive_says()
    {
        if (!Prerequisites.Root() || !Prerequisites.Tool("tar"))
        {
            return;
        }

        // As BuildKit does as root: each node with its major/minor, mode and owner from the archive.
        using var w = new CopyWorkspace();
        var tree = RawFiles.Bytes(Path.Join(w.Root, "tree"));
        RawFiles.Mkdir(tree, 0x1ED);
        RawFiles.Mknod(RawFiles.Join(tree, "chr"u8.ToArray()), RawFiles.CharDevice, 0x1A0, 1, 3);
        RawFiles.Lchown(RawFiles.Join(tree, "chr"u8.ToArray()), 1234, 5678);
        RawFiles.Mknod(RawFiles.Join(tree, "blk"u8.ToArray()), RawFiles.BlockDevice, 0x180, 7, 200);
        RawFiles.Mknod(RawFiles.Join(tree, "big"u8.ToArray()), RawFiles.CharDevice, 0x1B6, 4095, 1048575);
        RawFiles.Mknod(RawFiles.Join(tree, "fifo"u8.ToArray()), RawFiles.Fifo, 0x184);
        RawFiles.SetMtime(RawFiles.Join(tree, "fifo"u8.ToArray()), 1_000_000);
        Prerequisites.Run("tar", w.Root, "-c", "--numeric-owner", "-f", Path.Join(w.Context, "dev.tar"), "-C", Path.Join(w.Root, "tree"), ".");

        await w.RunAsync(AddOf("/t/", "dev.tar"));

        var lines = RawFiles.Snapshot(RawFiles.Join(RawFiles.Bytes(w.Target), "t"u8.ToArray()), mtimes: false);
        Assert.Equal(["big c 0666 0:0 dev=4095,1048575", "blk b 0600 0:0 dev=7,200", "chr c 0640 1234:5678 dev=1,3", "fifo p 0604 0:0"], lines);
        Assert.Equal(1_000_000, RawFiles.Lstat(RawFiles.Bytes(Path.Join(w.Target, "t", "fifo"))).MtimeSeconds);
    }

    [Fact]
    public async Task Archive_owners_are_kept_unless_chown_overrides_them()
    {
        if (!Prerequisites.Root() || !Prerequisites.Tool("tar"))
        {
            return;
        }

        using var w = new CopyWorkspace();
        var tree = Path.Join(w.Root, "tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Join(tree, "f"), "F");
        File.SetUnixFileMode(Path.Join(tree, "f"), (UnixFileMode)0x1A4);
        Prerequisites.Run("tar", w.Root, "-c", "--owner=42", "--group=43", "--numeric-owner", "-f", Path.Join(w.Context, "a.tar"), "-C", tree, "f");
        await w.RunAsync(AddOf("/kept/", "a.tar"));
        await w.RunAsync(AddOf("/chowned/", "a.tar") with { Chown = "7:8" });
        Assert.Equal(["/chowned d 0755 7:8", "/chowned/f f 0644 7:8 =F", "/kept d 0755 0:0", "/kept/f f 0644 42:43 =F"], w.Tree());
    }

    [Fact]
    public async Task Non_archives_are_copied_as_files_and_copy_never_unpacks()
    {
        if (!Prerequisites.Tool("tar") || !Prerequisites.Tool("gzip"))
        {
            return;
        }

        using var w = new CopyWorkspace();
        w.File("notes.txt", "not a tar");
        var tree = Path.Join(w.Root, "tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Join(tree, "f"), "F");
        Prerequisites.Run("tar", w.Root, "-czf", Path.Join(w.Context, "a.tgz"), "-C", tree, "f");
        File.SetUnixFileMode(Path.Join(w.Context, "a.tgz"), (UnixFileMode)0x1A4);
        File.WriteAllBytes(Path.Join(w.Context, "text.gz"), GzipOf("plain text, not a tar"u8.ToArray()));
        File.SetUnixFileMode(Path.Join(w.Context, "text.gz"), (UnixFileMode)0x1A4);
        await w.RunAsync(AddOf("/n/", "notes.txt"));
        await w.RunAsync(AddOf("/g/", "text.gz"));
        await w.RunAsync(CopyOf("/c/", "a.tgz"));
        await w.RunAsync(AddOf("/u/", "a.tgz") with { Unpack = false });
        var tree2 = w.Tree(owners: false);
        Assert.Contains("/n/notes.txt f 0644 =not a tar", tree2);
        Assert.Contains(tree2, l => l.StartsWith("/g/text.gz f 0644", StringComparison.Ordinal));
        Assert.Contains(tree2, l => l.StartsWith("/c/a.tgz f 0644", StringComparison.Ordinal));
        Assert.Contains(tree2, l => l.StartsWith("/u/a.tgz f 0644", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hostile_archive_entries_cannot_leave_the_destination()
    {
        using var w = new CopyWorkspace();
        var outside = Path.Join(w.Root, "victim");
        Directory.CreateDirectory(outside);

        // A symlink to the outside, then a file written "through" it: it must land inside the destination.
        var tar = new MemoryStream();
        await using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Ustar, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.SymbolicLink, "esc") { LinkName = outside });
            var file = new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "esc/pwned") { DataStream = new MemoryStream("x"u8.ToArray()) };
            await writer.WriteEntryAsync(file);
        }

        File.WriteAllBytes(Path.Join(w.Context, "evil.tar"), tar.ToArray());
        await w.RunAsync(AddOf("/d/", "evil.tar"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));

        var climbing = new MemoryStream();
        await using (var writer = new System.Formats.Tar.TarWriter(climbing, System.Formats.Tar.TarEntryFormat.Ustar, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "../../victim/x") { DataStream = new MemoryStream("x"u8.ToArray()) });
        }

        File.WriteAllBytes(Path.Join(w.Context, "climb.tar"), climbing.ToArray());
        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(AddOf("/d/", "climb.tar")));
        Assert.Contains("outside extraction root", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    private static byte[] GzipOf(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
