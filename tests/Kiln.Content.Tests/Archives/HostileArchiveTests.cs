using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Kiln.Content.Archives;

namespace Kiln.Content.Tests.Archives;

/// <summary>Archives that lie: each is refused with a message that says what is wrong, and nothing is named.</summary>
public sealed class HostileArchiveTests : IDisposable
{
    private static readonly string Config = """{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["DIFF"]}}""";

    private readonly ArchiveWorkspace _work = new();

    public void Dispose() => _work.Dispose();

    [Theory]
    [InlineData("outside", "outside the archive")]
    [InlineData("absolute", "outside the archive")]
    [InlineData("missing", "not in the archive")]
    [InlineData("escaping-symlink", "outside the archive")]
    [InlineData("absolute-symlink", "outside the archive")]
    [InlineData("symlink-loop", "links")]
    [InlineData("wrong-diffid", "diff_ids")]
    [InlineData("wrong-blob-name", "does not hold the content")]
    [InlineData("duplicate", "more than once")]
    [InlineData("dotdot-member", "outside the archive")]
    [InlineData("device", "holds only files")]
    [InlineData("no-manifest", "neither manifest.json")]
    [InlineData("bad-json", "manifest.json is not valid")]
    [InlineData("layer-count", "diff_ids")]
    [InlineData("bad-layout-version", "image layout version")]
    [InlineData("bad-tag", "not a valid name")]
    public async Task Hostile_legacy_archive_is_refused(string kind, string message)
    {
        var layer = LayerBytes();
        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(layer));
        var config = Config.Replace("DIFF", kind == "wrong-diffid" ? "sha256:" + new string('0', 64) : diffId, StringComparison.Ordinal);
        var layerPath = kind switch
        {
            "outside" => "../layer.tar",
            "absolute" => "/etc/passwd",
            "missing" => "nothere/layer.tar",
            "escaping-symlink" or "absolute-symlink" or "symlink-loop" => "link/layer.tar",
            _ => "abc/layer.tar",
        };
        var manifest = kind switch
        {
            "bad-json" => "[{\"Config\":",
            "layer-count" => $$"""[{"Config":"config.json","RepoTags":["x:1"],"Layers":["abc/layer.tar","abc/layer.tar"]}]""",
            "bad-tag" => $$"""[{"Config":"config.json","RepoTags":["UPPER:Case"],"Layers":["abc/layer.tar"]}]""",
            _ => $$"""[{"Config":"config.json","RepoTags":["x:1"],"Layers":["{{layerPath}}"]}]""",
        };

        var path = _work.File("hostile.tar");
        await using (var file = File.Create(path))
        await using (var tar = new TarWriter(file, TarEntryFormat.Pax))
        {
            if (kind != "no-manifest")
            {
                Add(tar, "manifest.json", Encoding.UTF8.GetBytes(manifest));
            }

            Add(tar, "config.json", Encoding.UTF8.GetBytes(config));
            Add(tar, "abc/layer.tar", layer);
            switch (kind)
            {
                case "escaping-symlink":
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link/layer.tar") { LinkName = "../../etc/passwd" });
                    break;
                case "absolute-symlink":
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link/layer.tar") { LinkName = "/etc/passwd" });
                    break;
                case "symlink-loop":
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link/layer.tar") { LinkName = "other.tar" });
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link/other.tar") { LinkName = "layer.tar" });
                    break;
                case "wrong-blob-name":
                    Add(tar, "blobs/sha256/" + new string('a', 64), layer);
                    break;
                case "duplicate":
                    Add(tar, "./config.json", Encoding.UTF8.GetBytes(config));
                    break;
                case "dotdot-member":
                    Add(tar, "a/../../evil", layer);
                    break;
                case "device":
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "dev/null") { DeviceMajor = 1, DeviceMinor = 3 });
                    break;
                case "bad-layout-version":
                    Add(tar, "oci-layout", """{"imageLayoutVersion":"9.9.9"}"""u8.ToArray());
                    break;
            }
        }

        var store = _work.Store("root");
        var error = await Assert.ThrowsAsync<ArchiveException>(() => _work.LoadAsync(store, "hostile.tar"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Empty(await store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Legacy_archive_with_a_gzip_layer_and_a_symlinked_layer_loads_with_the_gzip_media_type()
    {
        var layer = LayerBytes();
        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(layer));
        using var compressed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(layer);
        }

        var path = _work.File("legacy.tar");
        await using (var file = File.Create(path))
        await using (var tar = new TarWriter(file, TarEntryFormat.Gnu))
        {
            Add(tar, "manifest.json", Encoding.UTF8.GetBytes("""[{"Config":"c.json","RepoTags":["legacy:gz"],"Layers":["id/layer.tar"]}]"""));
            Add(tar, "c.json", Encoding.UTF8.GetBytes(Config.Replace("DIFF", diffId, StringComparison.Ordinal)));
            Add(tar, "blob.tar.gz", compressed.ToArray());
            tar.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, "id/layer.tar") { LinkName = "../blob.tar.gz" });
        }

        var store = _work.Store("root");
        var loaded = Assert.Single(await _work.LoadAsync(store, "legacy.tar"));
        var image = await store.LoadAsync("legacy:gz", CancellationToken.None);
        Assert.Equal(Kiln.Oci.MediaTypes.OciLayerGzip, Assert.Single(image.Manifest.Value.Layers).MediaType);
        Assert.Equal(loaded.Id, image.Config.Digest);
    }

    [Fact]
    public async Task Import_refuses_input_that_is_not_a_tar()
    {
        var path = _work.File("not.tar");
        await File.WriteAllTextAsync(path, new string('x', 2000));
        var error = await Assert.ThrowsAsync<ArchiveException>(() => ArchiveWorkspace.ImportAsync(_work.Store("root"), path, "x:1"));
        Assert.Contains("not a tar archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_refuses_bzip2_with_a_clear_message()
    {
        var tar = _work.BusyboxRootfs();
        _work.Run("bzip2", "-k", tar);
        var error = await Assert.ThrowsAsync<ArchiveException>(() => ArchiveWorkspace.ImportAsync(_work.Store("root"), tar + ".bz2", "x:1"));
        Assert.Contains("bzip2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("directory")]
    [InlineData("file")]
    public async Task Layout_directory_reached_through_a_symlink_is_refused(string kind)
    {
        var manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}"""u8.ToArray();
        var hex = Convert.ToHexStringLower(SHA256.HashData(manifest));
        var outside = _work.File("outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllBytesAsync(Path.Combine(outside, hex), manifest);
        var layout = _work.File("layout");
        Directory.CreateDirectory(Path.Combine(layout, "blobs"));
        await File.WriteAllTextAsync(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        await File.WriteAllTextAsync(
            Path.Combine(layout, "index.json"),
            $$"""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{{hex}}","size":{{manifest.Length}}}]}""");
        if (kind == "directory")
        {
            Directory.CreateSymbolicLink(Path.Combine(layout, "blobs", "sha256"), outside);
        }
        else
        {
            Directory.CreateDirectory(Path.Combine(layout, "blobs", "sha256"));
            File.CreateSymbolicLink(Path.Combine(layout, "blobs", "sha256", hex), Path.Combine(outside, hex));
        }

        var error = await Assert.ThrowsAsync<ArchiveException>(() => ImageArchiveLoader.LoadDirectoryAsync(_work.Store("root"), layout, CancellationToken.None));
        Assert.Contains("symlink", error.Message, StringComparison.Ordinal);
    }

    private static byte[] LayerBytes()
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var entry = new UstarTarEntry(TarEntryType.RegularFile, "hello.txt") { DataStream = new MemoryStream("hi\n"u8.ToArray()) };
            tar.WriteEntry(entry);
        }

        return buffer.ToArray();
    }

    private static void Add(TarWriter tar, string name, byte[] content)
    {
        TarEntry entry = tar.Format == TarEntryFormat.Gnu ? new GnuTarEntry(TarEntryType.RegularFile, name) : new PaxTarEntry(TarEntryType.RegularFile, name);
        entry.DataStream = new MemoryStream(content);
        tar.WriteEntry(entry);
    }
}
