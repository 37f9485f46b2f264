using System.Runtime.Versioning;
using Kiln.Build.Context;
using Kiln.Build.Copy;
using Kiln.Build.Tests.Copy;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;

namespace Kiln.Build.Tests.Context;

[SupportedOSPlatform("linux")]
public sealed class CopySourceDigestTests
{
    [Fact]
    public async Task Unchanged_tree_gives_the_same_digest_and_content_changes_a_new_one()
    {
        using var w = Tree();
        var request = CopyWorkspace.CopyOf("/app/", "src", "top.txt");
        var first = await DigestAsync(w, request);
        Assert.Equal(first, await DigestAsync(w, request));

        File.WriteAllText(Path.Join(w.Context, "src/a.txt"), "A2");
        File.SetUnixFileMode(Path.Join(w.Context, "src/a.txt"), (UnixFileMode)0x1A4);
        var changed = await DigestAsync(w, request);
        Assert.NotEqual(first, changed);
    }

    [Fact]
    public async Task Mtime_only_change_keeps_the_digest()
    {
        using var w = Tree();
        var request = CopyWorkspace.CopyOf("/app/", "src");
        var first = await DigestAsync(w, request);
        File.SetLastWriteTimeUtc(Path.Join(w.Context, "src/a.txt"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Directory.SetLastWriteTimeUtc(Path.Join(w.Context, "src"), new DateTime(2002, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(first, await DigestAsync(w, request));
    }

    [Fact]
    public async Task Metadata_that_lands_in_the_layer_changes_the_digest()
    {
        using var w = Tree();
        var request = CopyWorkspace.CopyOf("/app/", "src");
        var first = await DigestAsync(w, request);
        Assert.NotEqual(first, await DigestAsync(w, request with { Chmod = CopyWorkspace.Octal(0x1C0) }));
        Assert.NotEqual(first, await DigestAsync(w, request, new CopyDigestOptions { Owner = new CopyOwner(1000, 1000) }));

        File.SetUnixFileMode(Path.Join(w.Context, "src/a.txt"), (UnixFileMode)0x1ED);
        var chmodded = await DigestAsync(w, request);
        Assert.NotEqual(first, chmodded);

        File.Delete(Path.Join(w.Context, "src/link"));
        File.CreateSymbolicLink(Path.Join(w.Context, "src/link"), "elsewhere");
        Assert.NotEqual(chmodded, await DigestAsync(w, request));
    }

    [Fact]
    public async Task Ignored_files_do_not_count()
    {
        using var w = Tree();
        var request = CopyWorkspace.CopyOf("/app/", ".");
        var context = BuildContext.WithPatterns(w.Context, ["*.log"]);
        var before = await CopySourceDigest.ComputeAsync(request, CopySourceRoot.FromContext(context), CopyDigestOptions.Default, CancellationToken.None);
        w.File("debug.log", "noise");
        var after = await CopySourceDigest.ComputeAsync(request, CopySourceRoot.FromContext(context), CopyDigestOptions.Default, CancellationToken.None);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Stat_cache_hit_avoids_reading_and_survives_a_reopen()
    {
        using var w = Tree();
        var cacheDirectory = Path.Join(w.Root, "cache");
        var request = CopyWorkspace.CopyOf("/app/", "src", "top.txt");
        var reads = new List<string>();
        var cache = await FileDigestCache.OpenAsync(cacheDirectory, CancellationToken.None);
        cache.RacyWindowNanoseconds = 0;
        var options = new CopyDigestOptions { Cache = cache, OnContentRead = reads.Add };
        var cold = await DigestAsync(w, request, options);
        Assert.Equal(["src/a.txt", "src/sub/b.txt", "top.txt"], reads.Order(StringComparer.Ordinal));
        await cache.SaveAsync(CancellationToken.None);

        reads.Clear();
        var reopened = await FileDigestCache.OpenAsync(cacheDirectory, CancellationToken.None);
        Assert.Equal(3, reopened.Count);
        var warm = await DigestAsync(w, request, options with { Cache = reopened });
        Assert.Equal(cold, warm);
        Assert.Empty(reads);

        // A change to one file re-reads that file only, and the digest follows the content.
        File.WriteAllText(Path.Join(w.Context, "top.txt"), "T2");
        var changed = await DigestAsync(w, request, options with { Cache = reopened });
        Assert.Equal(["top.txt"], reads);
        Assert.NotEqual(cold, changed);
        Assert.Equal(changed, await DigestAsync(w, request));
    }

    [Fact]
    public async Task An_attribute_set_on_a_cached_file_changes_the_digest_though_the_cache_skips_attributes_of_files_without()
    {
        using var w = Tree();
        var request = CopyWorkspace.CopyOf("/app/", "top.txt");
        var cache = await FileDigestCache.OpenAsync(Path.Join(w.Root, "cache"), CancellationToken.None);
        cache.RacyWindowNanoseconds = 0;
        var options = new CopyDigestOptions { Cache = cache };
        var plain = await DigestAsync(w, request, options);
        Assert.Equal(plain, await DigestAsync(w, request, options));

        // setfattr changes ctime, so the cached "no attributes" no longer matches and the attribute is read.
        await Tools.RunAsync(Tools.Require("/usr/bin/setfattr"), ["-n", "user.kiln", "-v", "1", Path.Join(w.Context, "top.txt")]);
        var withAttribute = await DigestAsync(w, request, options);
        Assert.NotEqual(plain, withAttribute);
        Assert.Equal(withAttribute, await DigestAsync(w, request));
        Assert.Equal(withAttribute, await DigestAsync(w, request, options));
    }

    [Fact]
    public async Task Clearing_the_stat_cache_makes_the_next_digest_read_every_file_again()
    {
        using var w = Tree();
        var cacheDirectory = Path.Join(w.Root, "cache");
        var request = CopyWorkspace.CopyOf("/app/", "top.txt");
        var cache = await FileDigestCache.OpenAsync(cacheDirectory, CancellationToken.None);
        cache.RacyWindowNanoseconds = 0;
        await DigestAsync(w, request, new CopyDigestOptions { Cache = cache });
        await cache.SaveAsync(CancellationToken.None);

        Assert.True(FileDigestCache.Clear(cacheDirectory));
        Assert.False(FileDigestCache.Clear(cacheDirectory));
        var reads = new List<string>();
        var reopened = await FileDigestCache.OpenAsync(cacheDirectory, CancellationToken.None);
        Assert.Equal(0, reopened.Count);
        await DigestAsync(w, request, new CopyDigestOptions { Cache = reopened, OnContentRead = reads.Add });
        Assert.Equal(["top.txt"], reads);
    }

    [Fact]
    public async Task Recently_changed_files_are_not_cached()
    {
        using var w = Tree();
        var reads = new List<string>();
        var cache = await FileDigestCache.OpenAsync(Path.Join(w.Root, "cache"), CancellationToken.None);
        var options = new CopyDigestOptions { Cache = cache, OnContentRead = reads.Add };
        await DigestAsync(w, CopyWorkspace.CopyOf("/t", "top.txt"), options);
        await DigestAsync(w, CopyWorkspace.CopyOf("/t", "top.txt"), options);
        Assert.Equal(["top.txt", "top.txt"], reads);
    }

    [Fact]
    public async Task Files_hashed_on_several_threads_are_encoded_in_walk_order()
    {
        // Enough files in one directory for ParallelFiles to use threads; the reads are reported as the entries are
        // encoded, so their order is the encoding's.
        using var w = new CopyWorkspace();
        var names = Enumerable.Range(0, 30).Select(i => $"src/f{i:D2}").ToArray();
        foreach (var name in names)
        {
            w.File(name, name);
        }

        var request = CopyWorkspace.CopyOf("/app/", "src");
        var reads = new List<string>();
        var cache = await FileDigestCache.OpenAsync(Path.Join(w.Root, "cache"), CancellationToken.None);
        cache.RacyWindowNanoseconds = 0;
        var cold = await DigestAsync(w, request, new CopyDigestOptions { Cache = cache, OnContentRead = reads.Add });
        Assert.Equal(names, reads);

        // The same digest from the stat cache (nothing read) and without it; a change to one file changes it.
        reads.Clear();
        Assert.Equal(cold, await DigestAsync(w, request, new CopyDigestOptions { Cache = cache, OnContentRead = reads.Add }));
        Assert.Empty(reads);
        Assert.Equal(cold, await DigestAsync(w, request));
        File.WriteAllText(Path.Join(w.Context, "src/f17"), "changed");
        Assert.NotEqual(cold, await DigestAsync(w, request, new CopyDigestOptions { Cache = cache, OnContentRead = reads.Add }));
        Assert.Equal(["src/f17"], reads);
    }

    [Fact]
    public async Task Files_after_a_subdirectory_in_name_order_are_read_once_each_in_walk_order()
    {
        using var w = new CopyWorkspace();
        for (var i = 0; i < 6; i++)
        {
            w.File($"src/a/in{i}", "i" + i);
            w.File($"src/b{i}", "b" + i);
        }

        var reads = new List<string>();
        await DigestAsync(w, CopyWorkspace.CopyOf("/d/", "src"), new CopyDigestOptions { OnContentRead = reads.Add });
        Assert.Equal(
            [.. Enumerable.Range(0, 6).Select(i => $"src/a/in{i}"), .. Enumerable.Range(0, 6).Select(i => $"src/b{i}")],
            reads);
    }

    [Fact]
    public async Task Encoding_of_a_directory_of_many_files_is_pinned()
    {
        // Taken with the files hashed one by one, before they were hashed on several threads.
        using var w = new CopyWorkspace();
        for (var i = 0; i < 12; i++)
        {
            w.File($"src/f{i:D2}", new string('x', i));
        }

        w.Dir("src", 0x1ED);
        var digest = await DigestAsync(w, CopyWorkspace.CopyOf("/d/", "src"), new CopyDigestOptions { Owner = new CopyOwner(0, 0) });
        Assert.Equal("sha256:9184f0134d579d6c5bd5f7cec0512dfe97efd64d53482aebc0b9e566f776821d", digest.ToString());
    }

    [Fact]
    public async Task Encoding_is_pinned()
    {
        // Version 1 of the encoding: changing it must be deliberate (bump CopySourceDigest.Version).
        using var w = new CopyWorkspace();
        w.File("src/a.txt", "hello\n");
        w.Dir("src", 0x1ED);
        var request = new CopyRequest { Destination = "/d/", Sources = ["src"], Heredocs = [new HeredocSource("EOF", "x\n", true)] };
        var digest = await DigestAsync(w, request, new CopyDigestOptions { Owner = new CopyOwner(0, 0) });
        Assert.Equal("sha256:c1d738d638475efa7a40cb418c6fa042921982933d3b170a58113c667d7ab6da", digest.ToString());
    }

    private static CopyWorkspace Tree()
    {
        var w = new CopyWorkspace();
        w.File("src/a.txt", "A");
        w.File("src/sub/b.txt", "B");
        w.File("top.txt", "T");
        w.Symlink("src/link", "a.txt");
        return w;
    }

    private static Task<Digest> DigestAsync(CopyWorkspace w, CopyRequest request, CopyDigestOptions? options = null) =>
        CopySourceDigest.ComputeAsync(request, CopySourceRoot.FromContext(BuildContext.WithPatterns(w.Context, [])), options ?? CopyDigestOptions.Default, CancellationToken.None);
}
