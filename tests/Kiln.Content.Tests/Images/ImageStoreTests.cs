using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Content.Tests.Support;

namespace Kiln.Content.Tests.Images;

public sealed class ImageStoreTests : IDisposable
{
    private readonly TempRoot _temp = new();
    private readonly ContentStore _content;
    private readonly ImageStore _images;

    public ImageStoreTests()
    {
        _content = _temp.Open();
        _images = ImageStore.Open(_content);
    }

    public void Dispose() => _temp.Dispose();

    private static ImageReference Ref(string text) => ImageReference.Parse(text);

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task An_empty_store_lists_nothing()
    {
        Assert.Empty(await _images.ListAsync(None));
        await Assert.ThrowsAsync<ImageNotFoundException>(() => _images.ResolveAsync("busybox", None));
    }

    [Fact]
    public async Task Names_are_normalised_and_resolve_in_every_familiar_form()
    {
        var image = await ImageSeeder.SeedAsync(_content, 1);

        var record = await _images.SetAsync(Ref("busybox"), image.Manifest, null, None);

        Assert.Equal("docker.io/library/busybox:latest", record.Name.ToString());
        Assert.Equal(image.Config.Digest, record.Id);
        foreach (var text in new[] { "busybox", "busybox:latest", "library/busybox", "docker.io/library/busybox:latest", $"busybox@{image.Manifest.Digest}" })
        {
            var resolved = await _images.ResolveAsync(text, None);
            Assert.Equal(image.Config.Digest, resolved.Id);
            Assert.Equal(image.Manifest, resolved.Manifest);
        }
    }

    [Fact]
    public async Task Resolves_by_id_manifest_digest_and_id_prefix()
    {
        var image = await ImageSeeder.SeedAsync(_content, 2);
        await _images.SetAsync(Ref("localhost/golang:1.19"), image.Manifest, null, None);

        Assert.Equal(image.Config.Digest, (await _images.ResolveAsync(image.Config.Digest.ToString(), None)).Id);
        Assert.Equal(image.Config.Digest, (await _images.ResolveAsync(image.Manifest.Digest.ToString(), None)).Id);
        Assert.Equal(image.Config.Digest, (await _images.ResolveAsync(image.Config.Digest.Encoded[..12], None)).Id);
        Assert.Equal(image.Config.Digest, (await _images.ResolveAsync("sha256:" + image.Config.Digest.Encoded[..5], None)).Id);
        Assert.Null((await _images.ResolveAsync(image.Config.Digest.Encoded[..12], None)).ByName);
        await Assert.ThrowsAsync<ImageNotFoundException>(() => _images.ResolveAsync("golang:1.19", None));
        Assert.NotNull((await _images.ResolveAsync("localhost/golang:1.19", None)).ByName);
    }

    [Fact]
    public async Task A_name_wins_over_an_id_prefix()
    {
        var first = await ImageSeeder.SeedAsync(_content, 3);
        var second = await ImageSeeder.SeedAsync(_content, 4);
        var prefix = first.Config.Digest.Encoded[..6];
        await _images.SetAsync(Ref("first"), first.Manifest, null, None);
        await _images.SetAsync(Ref(prefix.Any(char.IsAsciiLetter) ? prefix : "x" + prefix), second.Manifest, null, None);

        if (prefix.Any(char.IsAsciiLetter))
        {
            Assert.Equal(second.Config.Digest, (await _images.ResolveAsync(prefix, None)).Id);
        }

        Assert.Equal(first.Config.Digest, (await _images.ResolveAsync(first.Config.Digest.Encoded[..12], None)).Id);
    }

    [Fact]
    public async Task An_ambiguous_prefix_is_an_error()
    {
        var images = new List<ImageSeeder.Seeded>();
        for (var seed = 10; seed < 60; seed++)
        {
            var image = await ImageSeeder.SeedAsync(_content, seed, layers: 0);
            images.Add(image);
            await _images.SetAsync(Ref($"img{seed}"), image.Manifest, null, None);
        }

        var shared = images.GroupBy(i => i.Config.Digest.Encoded[0]).First(g => g.Count() > 1).Key.ToString();

        var error = await Assert.ThrowsAsync<ImageStoreException>(() => _images.ResolveAsync(shared, None));
        Assert.Contains("ambiguous", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tag_adds_a_name_for_the_same_image_and_keeps_the_index()
    {
        var image = await ImageSeeder.SeedAsync(_content, 5, withIndex: true);
        await _images.SetAsync(Ref("busybox:1.36"), image.Manifest, image.Index, None);

        var tagged = await _images.TagAsync("busybox:1.36", Ref("localhost:5000/tools/busybox:stable"), None);

        Assert.Equal(image.Config.Digest, tagged.Id);
        Assert.Equal(image.Index, tagged.Index);
        Assert.Equal(image.Index!.Digest, tagged.RepoDigest);
        var list = await _images.ListAsync(None);
        Assert.Equal(["docker.io/library/busybox:1.36", "localhost:5000/tools/busybox:stable"], list.Select(r => r.Name.ToString()));
        var resolved = await _images.ResolveAsync(image.Config.Digest.ToString(), None);
        Assert.Equal(2, resolved.Names.Length);
        Assert.Equal(image.Config.Digest, (await _images.ResolveAsync($"busybox@{image.Index.Digest}", None)).Id);
    }

    [Fact]
    public async Task Tagging_a_missing_image_fails_and_changes_nothing()
    {
        await Assert.ThrowsAsync<ImageNotFoundException>(() => _images.TagAsync("nothing", Ref("other"), None));

        Assert.Empty(await _images.ListAsync(None));
    }

    [Fact]
    public async Task A_name_never_points_at_a_missing_manifest()
    {
        var missing = new Descriptor(MediaTypes.OciManifest, Digest.Sha256Of("nope"u8), 4);

        await Assert.ThrowsAsync<BlobNotFoundException>(() => _images.SetAsync(Ref("x"), missing, null, None));

        Assert.Empty(await _images.ListAsync(None));
    }

    [Fact]
    public async Task A_name_never_points_at_an_image_with_a_missing_layer()
    {
        var image = await ImageSeeder.SeedAsync(_content, 12);
        File.Delete(_temp.Root.BlobPath(image.Layers[1].Digest));

        var error = await Assert.ThrowsAsync<BlobNotFoundException>(() => _images.SetAsync(Ref("x"), image.Manifest, null, None));

        Assert.Equal(image.Layers[1].Digest, error.Digest);
        Assert.Empty(await _images.ListAsync(None));
    }

    [Fact]
    public async Task Remove_by_name_untags_only_that_name()
    {
        var image = await ImageSeeder.SeedAsync(_content, 6);
        await _images.SetAsync(Ref("a:1"), image.Manifest, null, None);
        await _images.SetAsync(Ref("a:2"), image.Manifest, null, None);

        var removed = await _images.RemoveAsync("a:1", force: false, None);

        Assert.Equal(["docker.io/library/a:1"], removed.Untagged.Select(n => n.ToString()));
        Assert.True(removed.StillReferenced);
        Assert.Equal(["docker.io/library/a:2"], (await _images.ListAsync(None)).Select(r => r.Name.ToString()));
    }

    [Fact]
    public async Task Remove_by_id_removes_every_name_in_one_repository()
    {
        var image = await ImageSeeder.SeedAsync(_content, 7);
        await _images.SetAsync(Ref("a:1"), image.Manifest, null, None);
        await _images.SetAsync(Ref("a:2"), image.Manifest, null, None);

        var removed = await _images.RemoveAsync(image.Config.Digest.Encoded[..12], force: false, None);

        Assert.Equal(2, removed.Untagged.Length);
        Assert.False(removed.StillReferenced);
        Assert.Empty(await _images.ListAsync(None));
    }

    [Fact]
    public async Task Remove_by_id_across_repositories_needs_force()
    {
        var image = await ImageSeeder.SeedAsync(_content, 8);
        await _images.SetAsync(Ref("a:1"), image.Manifest, null, None);
        await _images.SetAsync(Ref("b:1"), image.Manifest, null, None);

        var error = await Assert.ThrowsAsync<ImageStoreException>(() => _images.RemoveAsync(image.Config.Digest.ToString(), force: false, None));
        Assert.Contains("must be forced", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await _images.ListAsync(None)).Length);

        var removed = await _images.RemoveAsync(image.Config.Digest.ToString(), force: true, None);
        Assert.Equal(2, removed.Untagged.Length);
    }

    [Fact]
    public async Task Loads_manifest_and_config()
    {
        var image = await ImageSeeder.SeedAsync(_content, 9, layers: 3);
        await _images.SetAsync(Ref("app"), image.Manifest, null, None);

        var local = await _images.LoadAsync("app", None);

        Assert.Equal(3, local.Manifest.Value.Layers.Length);
        Assert.Equal("amd64", local.Config.Value.Architecture);
        Assert.Equal(image.Config.Size + image.Layers.Sum(l => l.Size), local.ContentSize);
    }

    [Fact]
    public async Task Images_json_is_replaced_atomically_and_leaves_no_temp_files()
    {
        var image = await ImageSeeder.SeedAsync(_content, 11);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => _images.SetAsync(Ref($"n{i}"), image.Manifest, null, None))));

        Assert.Equal(20, (await _images.ListAsync(None)).Length);
        Assert.Empty(Directory.GetFiles(_temp.Root.IngestPath));
        Assert.Equal(["images.json"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_damaged_images_json_is_a_clear_error()
    {
        await File.WriteAllTextAsync(_temp.Root.ImagesFile, "{\"version\":1,\"images\":{\"docker.io/library/x:latest\":{\"id\":\"sha256:nothex\"}}}");

        var error = await Assert.ThrowsAsync<ImageStoreException>(() => _images.ListAsync(None));

        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_version_of_images_json_is_refused()
    {
        await File.WriteAllTextAsync(_temp.Root.ImagesFile, "{\"version\":2,\"images\":{}}");

        var error = await Assert.ThrowsAsync<ImageStoreException>(() => _images.ListAsync(None));

        Assert.Contains("version 2", error.Message, StringComparison.Ordinal);
    }
}
