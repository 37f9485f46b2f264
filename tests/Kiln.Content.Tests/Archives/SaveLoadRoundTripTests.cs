using System.Text.Json;
using Kiln.Content.Archives;
using Kiln.Oci;

namespace Kiln.Content.Tests.Archives;

/// <summary>import -> save -> load, checked by skopeo, umoci and GNU tar.</summary>
public sealed class SaveLoadRoundTripTests : IDisposable
{
    private readonly ArchiveWorkspace _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Import_save_load_into_a_fresh_root_keeps_manifest_and_config_digests()
    {
        var first = _work.Store("first");
        var imported = await ArchiveWorkspace.ImportAsync(first, _work.BusyboxRootfs(), "busybox:imported");
        await _work.SaveAsync(first, "saved.tar", "busybox:imported");

        var second = _work.Store("second");
        var loaded = Assert.Single(await _work.LoadAsync(second, "saved.tar"));
        Assert.Equal(imported.Manifest.Digest, loaded.Manifest.Digest);
        Assert.Equal(imported.Id, loaded.Id);
        Assert.Equal("docker.io/library/busybox:imported", Assert.Single(loaded.Names).ToString());
        var resolved = await second.ResolveAsync("busybox:imported", CancellationToken.None);
        Assert.Equal(imported.Manifest.Digest, resolved.Manifest.Digest);

        // Saving again from the second root gives the same bytes: blobs as stored, sorted, fixed times.
        await _work.SaveAsync(second, "again.tar", "busybox:imported");
        Assert.Equal(File.ReadAllBytes(_work.File("saved.tar")), File.ReadAllBytes(_work.File("again.tar")));
    }

    [Fact]
    public async Task Imported_layer_keeps_the_tarball_as_its_diff_id_and_gzip_zstd_inputs_agree()
    {
        var store = _work.Store("root");
        var tar = _work.BusyboxRootfs();
        _work.Run("gzip", "-k", tar);
        _work.Run("zstd", "-q", tar, "-o", tar + ".zst");
        var plain = await ArchiveWorkspace.ImportAsync(store, tar, "a:plain");
        var gzip = await ArchiveWorkspace.ImportAsync(store, tar + ".gz", "a:gzip");
        var zstd = await ArchiveWorkspace.ImportAsync(store, tar + ".zst", "a:zstd");
        var sha = _work.Run("sha256sum", tar).Split(' ')[0];
        Assert.Equal("sha256:" + sha, plain.Layer.DiffId.ToString());
        Assert.Equal(plain.Manifest.Digest, gzip.Manifest.Digest);
        Assert.Equal(plain.Manifest.Digest, zstd.Manifest.Digest);
        Assert.Equal(MediaTypes.OciLayer, plain.Layer.MediaType);
        Assert.Equal(plain.Layer.DiffId, plain.Layer.Digest);
    }

    [Fact]
    public async Task Saved_archive_is_an_oci_archive_and_a_docker_archive_for_skopeo()
    {
        var store = _work.Store("root");
        var imported = await ArchiveWorkspace.ImportAsync(store, _work.BusyboxRootfs(), "busybox:1");
        await _work.SaveAsync(store, "saved.tar", "busybox:1");

        // skopeo finds a layout entry by its ref.name, which docker and containerd write as the tag alone.
        var raw = _work.Run("skopeo", "inspect", "--raw", "oci-archive:saved.tar:1");
        Assert.Equal(imported.Manifest.Digest, Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(raw)));
        using var config = JsonDocument.Parse(_work.Run("skopeo", "inspect", "--config", "docker-archive:saved.tar"));
        Assert.Equal("amd64", config.RootElement.GetProperty("architecture").GetString());
        Assert.Equal(
            imported.Layer.DiffId.ToString(),
            config.RootElement.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString());
    }

    [Fact]
    public async Task Saved_layout_unpacks_with_umoci_and_its_layer_lists_with_gnu_tar()
    {
        var store = _work.Store("root");
        var imported = await ArchiveWorkspace.ImportAsync(store, _work.BusyboxRootfs(), "busybox:1");
        await _work.SaveAsync(store, "saved.tar", "busybox:1");
        Directory.CreateDirectory(_work.File("layout"));
        _work.Run("tar", "-xf", "saved.tar", "-C", "layout");
        _work.Run("umoci", "unpack", "--rootless", "--image", "layout:1", "bundle");
        Assert.Equal("hello from kiln\n", File.ReadAllText(_work.File("bundle/rootfs/hello.txt")));

        var listing = _work.Run("tar", "-tvf", $"layout/blobs/sha256/{imported.Layer.Digest.Encoded}");
        Assert.Contains("./bin/busybox", listing, StringComparison.Ordinal);
        Assert.Contains("./bin/sh -> busybox", listing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skopeo_docker_archive_loads_and_saves_with_the_same_config_digest()
    {
        var store = _work.Store("root");
        var imported = await ArchiveWorkspace.ImportAsync(store, _work.BusyboxRootfs(), "busybox:1");
        await _work.SaveAsync(store, "saved.tar", "busybox:1");

        // containers/image writes the legacy form: <diffid>.tar uncompressed layers, <id>/layer.tar symlinks, <config>.json.
        _work.Run("skopeo", "copy", "oci-archive:saved.tar:1", "docker-archive:legacy.tar:busybox:legacy");
        var fresh = _work.Store("fresh");
        var loaded = Assert.Single(await _work.LoadAsync(fresh, "legacy.tar"));
        Assert.Equal(imported.Id, loaded.Id);
        Assert.Equal("docker.io/library/busybox:legacy", Assert.Single(loaded.Names).ToString());
        var image = await fresh.LoadAsync("busybox:legacy", CancellationToken.None);
        var layer = Assert.Single(image.Manifest.Value.Layers);
        Assert.Equal(MediaTypes.OciLayer, layer.MediaType);
        Assert.Equal(imported.Layer.DiffId, layer.Digest);

        await _work.SaveAsync(fresh, "resaved.tar", "busybox:legacy");
        _work.Run("skopeo", "copy", "docker-archive:resaved.tar", "oci:copied:x");
        using var config = JsonDocument.Parse(_work.Run("skopeo", "inspect", "--config", "--raw", "oci:copied:x"));
        Assert.Equal(imported.Layer.DiffId.ToString(), config.RootElement.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString());
        var third = Assert.Single(await _work.LoadAsync(_work.Store("third"), "resaved.tar"));
        Assert.Equal(imported.Id, third.Id);
    }

    [Fact]
    public async Task Oci_layout_directory_from_skopeo_loads()
    {
        var store = _work.Store("root");
        var imported = await ArchiveWorkspace.ImportAsync(store, _work.BusyboxRootfs(), "busybox:1");
        await _work.SaveAsync(store, "saved.tar", "busybox:1");
        _work.Run("skopeo", "copy", "--preserve-digests", "oci-archive:saved.tar:1", "oci:dir:example.com/team/busybox:2");
        var fresh = _work.Store("fresh");
        var loaded = Assert.Single(await ImageArchiveLoader.LoadDirectoryAsync(fresh, _work.File("dir"), CancellationToken.None));
        Assert.Equal(imported.Manifest.Digest, loaded.Manifest.Digest);
        Assert.Equal("example.com/team/busybox:2", Assert.Single(loaded.Names).ToString());
    }
}
