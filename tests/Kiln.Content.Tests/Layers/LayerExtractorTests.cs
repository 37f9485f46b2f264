using System.Text;
using Kiln.Content.Layers;
using Kiln.Content.Tar;
using Kiln.Content.Tests.Support;
using Kiln.Testing;

namespace Kiln.Content.Tests.Layers;

/// <summary>Layer semantics on a real directory. Ownership, devices and overlay output need root (CI runs as root).</summary>
public sealed class LayerExtractorTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    private string Root => _sandbox.Root;

    [Fact]
    public async Task Whiteout_deletes_lower_file_and_lower_directory_tree()
    {
        await ApplyAsync(new RawTar().Dir("d").File("d/keep", "k").File("d/gone", "g").Dir("tree").Dir("tree/sub").File("tree/sub/f", "f").Build());
        await ApplyAsync(new RawTar().File("d/.wh.gone", string.Empty).File(".wh.tree", string.Empty).Build());

        Assert.True(File.Exists(At("d/keep")));
        Assert.False(File.Exists(At("d/gone")));
        Assert.False(Directory.Exists(At("tree")));
        Assert.False(File.Exists(At("d/.wh.gone")));
    }

    [Fact]
    public async Task Whiteout_does_not_delete_what_the_same_layer_wrote()
    {
        await ApplyAsync(new RawTar().File("f", "same layer").File(".wh.f", string.Empty).Build());
        Assert.Equal("same layer", File.ReadAllText(At("f")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Opaque_directory_hides_lower_content_but_keeps_this_layers(bool markerFirst)
    {
        await ApplyAsync(new RawTar().Dir("d").File("d/lower", "l").Dir("d/sub").File("d/sub/lower", "l").Build());
        var layer = new RawTar().Dir("d");
        layer = markerFirst
            ? layer.File("d/.wh..wh..opq", string.Empty).Dir("d/sub").File("d/sub/new", "n").File("d/new", "n")
            : layer.Dir("d/sub").File("d/sub/new", "n").File("d/new", "n").File("d/.wh..wh..opq", string.Empty);
        await ApplyAsync(layer.Build());

        Assert.Equal(["new", "sub"], Names("d"));
        Assert.Equal(["new"], Names("d/sub"));
    }

    [Fact]
    public async Task Hardlinks_share_the_inode()
    {
        await ApplyAsync(new RawTar().File("a", "data").HardLink("b", "a").HardLink("c", "/a").Build());
        File.AppendAllText(At("a"), "+");
        Assert.Equal("data+", File.ReadAllText(At("b")));
        Assert.Equal("data+", File.ReadAllText(At("c")));
        Assert.Equal("3", Stat("%h", "a"));
    }

    [Fact]
    public async Task Symlinks_are_created_as_stored_and_never_followed()
    {
        await ApplyAsync(new RawTar().Symlink("abs", "/etc/passwd").Symlink("rel", "../x").Symlink("dangling", "nowhere").Build());
        Assert.Equal("/etc/passwd", new FileInfo(At("abs")).LinkTarget);
        Assert.Equal("../x", new FileInfo(At("rel")).LinkTarget);
        Assert.Equal("nowhere", new FileInfo(At("dangling")).LinkTarget);
    }

    [Fact]
    public async Task Modes_including_setuid_and_read_only_directories()
    {
        await ApplyAsync(new RawTar()
            .Dir("ro", mode: 0x16D /* 0555 */)
            .File("ro/inside", "x", mode: 0x1A4)
            .File("suid", "x", mode: 0x9ED /* 04755 */)
            .File("sgid-sticky", "x", mode: 0x7FF /* 03777 */)
            .Build());

        Assert.Equal("555", Stat("%a", "ro"));
        Assert.Equal("x", File.ReadAllText(At("ro/inside")));
        Assert.Equal("4755", Stat("%a", "suid"));
        Assert.Equal("3777", Stat("%a", "sgid-sticky"));
    }

    [Fact]
    public async Task Mtimes_of_files_links_and_directories()
    {
        await ApplyAsync(new RawTar()
            .Dir("d", mtime: 1_000_000_000)
            .File("d/f", "x", mtime: 1_100_000_000)
            .Pax(("mtime", "1200000000.25")).Symlink("d/l", "f")
            .Build());

        Assert.Equal("1000000000", Stat("%Y", "d"));
        Assert.Equal("1100000000", Stat("%Y", "d/f"));
        Assert.Equal("2008-01-10 21:20:00.250000000 +0000", Stat("%y", "d/l"));
    }

    [Fact]
    public async Task Binary_xattrs_are_written_as_raw_bytes()
    {
        byte[] value = [0, 0xff, (byte)'\n', 7];
        await ApplyAsync(new RawTar().Pax([("SCHILY.xattr.user.kiln", value)]).File("f", "x").Build());

        // Read back through GNU tar, an independent reader of the kernel's xattrs.
        var archive = Path.Join(_sandbox.Path, "check.tar");
        Tool.RunIn(Root, "tar", "--format=pax", "--xattrs", "--xattrs-include=user.*", "-cf", archive, "f");
        await using var reader = new TarReader(File.OpenRead(archive));
        var entry = await reader.GetNextEntryAsync(CancellationToken.None);
        Assert.Equal(value, Assert.Single(entry!.Xattrs, x => x.Name == "user.kiln").Value.ToArray());
    }

    [Fact]
    public async Task Trusted_xattrs_are_skipped_with_a_warning_when_not_root()
    {
        var result = await ApplyAsync(
            new RawTar().Pax([("SCHILY.xattr.trusted.x", "y"u8.ToArray())]).File("f", "x").Build(),
            new ExtractOptions { Privileged = false });
        Assert.Contains(result.Warnings, w => w.Contains("trusted.x", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Overlay_metadata_from_a_layer_is_never_applied()
    {
        var result = await ApplyAsync(new RawTar().Pax([("SCHILY.xattr.trusted.overlay.opaque", "y"u8.ToArray())]).Dir("d").Build());
        Assert.Contains(result.Warnings, w => w.Contains("trusted.overlay.opaque", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ownership_and_devices_as_root()
    {
        Prerequisites.RequireRoot();
        await ApplyAsync(new RawTar()
            .Entry("owned", '0', "x"u8.ToArray(), uid: 1234, gid: 5678, mode: 0x9ED)
            .Device("null", '3', 1, 3)
            .Device("fifo", '6', 0, 0, mode: 0x1A4)
            .Build());

        Assert.Equal("1234:5678 4755", Stat("%u:%g %a", "owned"));
        Assert.Equal("character special file 1:3 666", Stat("%F %t:%T %a", "null"));
        Assert.Equal("fifo 644", Stat("%F %a", "fifo"));
    }

    [Fact]
    public async Task Overlay_style_output_writes_whiteout_devices_and_opaque_xattr()
    {
        Prerequisites.RequireRoot();
        var result = await ApplyAsync(
            new RawTar().Dir("d").File("d/.wh..wh..opq", string.Empty).File(".wh.gone", string.Empty).File("d/new", "n").Build(),
            new ExtractOptions { Whiteouts = WhiteoutMode.Overlay });

        Assert.Empty(result.Warnings);
        Assert.Equal("character special file 0:0", Stat("%F %t:%T", "gone"));
        Assert.Equal(["new"], Names("d"));
        var archive = Path.Join(_sandbox.Path, "check.tar");
        Tool.RunIn(Root, "tar", "--format=pax", "--xattrs", "--xattrs-include=trusted.*", "--no-recursion", "-cf", archive, "d");
        await using var reader = new TarReader(File.OpenRead(archive));
        var entry = await reader.GetNextEntryAsync(CancellationToken.None);
        Assert.Equal("y"u8.ToArray(), Assert.Single(entry!.Xattrs, x => x.Name == "trusted.overlay.opaque").Value.ToArray());
    }

    [Theory]
    [InlineData("--gzip")]
    [InlineData("--zstd")]
    public async Task Compressed_GNU_tar_layers_with_sparse_files(string compression)
    {
        var source = Path.Join(_sandbox.Path, "source");
        Directory.CreateDirectory(Path.Join(source, "dir"));
        File.WriteAllText(Path.Join(source, "dir", "file"), "content");
        await using (var sparse = new FileStream(Path.Join(source, "sparse"), FileMode.Create))
        {
            sparse.Position = 16 << 20;
            sparse.Write("end"u8);
        }

        var archive = Path.Join(_sandbox.Path, "layer.tar");
        Tool.RunIn(source, "tar", "--format=pax", "--sparse", compression, "-cf", archive, ".");
        await using (var layer = File.OpenRead(archive))
        {
            await LayerExtractor.ExtractAsync(layer, Root, ExtractOptions.Default, CancellationToken.None);
        }

        Assert.Equal("content", File.ReadAllText(At("dir/file")));
        Assert.Equal((16 << 20) + 3, new FileInfo(At("sparse")).Length);
        Assert.True(long.Parse(Stat("%b", "sparse"), System.Globalization.CultureInfo.InvariantCulture) < 1024, "holes were written as data");
    }

    [Fact]
    public async Task Directory_replaced_by_file_and_file_by_directory()
    {
        await ApplyAsync(new RawTar().Dir("x").File("x/child", "c").File("y", "file").Build());
        await ApplyAsync(new RawTar().File("x", "now a file").Dir("y").Build());
        Assert.Equal("now a file", File.ReadAllText(At("x")));
        Assert.True(Directory.Exists(At("y")));
    }

    public void Dispose() => _sandbox.Dispose();

    /// <summary>
    /// The kernel allows paths of any length (relative *at() calls reach past PATH_MAX), and a layer records them
    /// with PAX path and linkpath records: 40 components of 250 bytes, a 3000-byte symlink target, a hard link down
    /// there, and a whiteout at the bottom of the next layer all apply.
    /// </summary>
    [Theory]
    [InlineData(WhiteoutMode.Apply)]
    [InlineData(WhiteoutMode.Overlay)]
    public async Task A_layer_with_paths_longer_than_PATH_MAX_applies_whole(WhiteoutMode whiteouts)
    {
        var chain = "deep/" + LongPaths.Chain(new string('d', 250), 40);
        var target = "/" + new string('t', 3000);
        var layer = new MemoryStream();
        using (var writer = new DeterministicTarWriter(layer))
        {
            var directory = string.Empty;
            foreach (var component in chain.Split('/'))
            {
                directory = directory.Length == 0 ? component : directory + "/" + component;
                await writer.WriteEntryAsync(new TarEntry { Kind = TarEntryKind.Directory, Name = TarEntry.Bytes(directory), Mode = 0x1ED }, null, CancellationToken.None);
            }

            await writer.WriteEntryAsync(new TarEntry { Kind = TarEntryKind.RegularFile, Name = TarEntry.Bytes(chain + "/file"), Mode = 0x1A4, Size = 4 }, new MemoryStream("deep"u8.ToArray()), CancellationToken.None);
            await writer.WriteEntryAsync(new TarEntry { Kind = TarEntryKind.SymbolicLink, Name = TarEntry.Bytes(chain + "/link"), LinkName = TarEntry.Bytes(target), Mode = 0x1FF }, null, CancellationToken.None);
            await writer.WriteEntryAsync(new TarEntry { Kind = TarEntryKind.HardLink, Name = TarEntry.Bytes(chain + "/hard"), LinkName = TarEntry.Bytes(chain + "/file") }, null, CancellationToken.None);
            await writer.WriteEntryAsync(new TarEntry { Kind = TarEntryKind.RegularFile, Name = TarEntry.Bytes(chain + "/gone"), Mode = 0x1A4 }, null, CancellationToken.None);
            await writer.FinishAsync(CancellationToken.None);
        }

        var options = new ExtractOptions { Whiteouts = whiteouts };
        await ApplyAsync(layer.ToArray(), options);
        await ApplyAsync(new RawTar().Pax(("path", chain + "/.wh.gone")).File("ignored", string.Empty).Build(), options);

        Assert.Equal("deep", LongPaths.Read(Root, chain + "/file"));
        Assert.Equal("deep", LongPaths.Read(Root, chain + "/hard"));
        Assert.Equal(target, LongPaths.ReadLink(Root, chain + "/link"));
        Assert.Equal(whiteouts == WhiteoutMode.Overlay, LongPaths.Exists(Root, chain + "/gone"));
    }

    private async Task<ExtractResult> ApplyAsync(byte[] layer, ExtractOptions? options = null) =>
        await LayerExtractor.ExtractAsync(new MemoryStream(layer), Root, options ?? ExtractOptions.Default, CancellationToken.None);

    private string At(string relative) => Path.Join(Root, relative);

    private string[] Names(string relative) =>
        [.. Directory.GetFileSystemEntries(At(relative)).Select(Path.GetFileName).Order(StringComparer.Ordinal).OfType<string>()];

    private string Stat(string format, string relative) => Tool.RunIn(Root, "stat", "-c", format, relative).Trim();
}
