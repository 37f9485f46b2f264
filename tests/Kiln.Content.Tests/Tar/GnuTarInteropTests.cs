using Kiln.Content.Tar;
using Kiln.Content.Tests.Support;

namespace Kiln.Content.Tests.Tar;

/// <summary>What we write, GNU tar lists and extracts; and the extracted tree, written again, gives the same bytes.</summary>
public sealed class GnuTarInteropTests
{
    [Fact]
    public async Task Gnu_tar_extracts_every_unprivileged_case_back_to_the_same_layer()
    {
        Prerequisites.RequireTool("tar");
        Prerequisites.RequireTool("setfattr");

        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        Directory.CreateDirectory(source);
        TestTree.CreateUnprivileged(source);
        await RoundTripAsync(temp, source);
    }

    [Fact]
    public async Task Gnu_tar_extracts_devices_big_ids_and_capabilities_back_to_the_same_layer()
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireTool("tar");
        Prerequisites.RequireTool("setcap");

        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        Directory.CreateDirectory(source);
        TestTree.CreateUnprivileged(source);
        TestTree.CreatePrivileged(source);
        var listing = await RoundTripAsync(temp, source);

        Assert.Contains("3000000/3000001", listing, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^crw-r--r-- 0/0 +1,3 .* dev/null$", listing);
        Assert.Matches(@"(?m)^brw-r--r-- 0/0 +7,0 .* dev/loop0$", listing);
        var capabilities = Tool.Run("getcap", temp.Combine("extracted", "ping"));
        Assert.Contains("cap_net_bind_service,cap_net_raw=ep", capabilities, StringComparison.Ordinal);
    }

    private static async Task<string> RoundTripAsync(TempDirectory temp, string source)
    {
        var layer = temp.Combine("layer.tar");
        await WriteLayerAsync(source, layer);

        var listing = Tool.Run("tar", "--numeric-owner", "-tvf", layer);
        Assert.Contains(TestTree.LongSplittable, listing, StringComparison.Ordinal);
        Assert.Contains(TestTree.LongComponent, listing, StringComparison.Ordinal);
        Assert.Contains(TestTree.VeryLong, listing, StringComparison.Ordinal);
        Assert.Contains("ünïcødé/日本語.txt", listing, StringComparison.Ordinal);
        Assert.Contains("long-link -> " + TestTree.LongTarget, listing, StringComparison.Ordinal);
        Assert.Contains("hard/b link to hard/a", listing, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^-rwsr-xr-x .* bin/tool$", listing);
        Assert.Matches(@"(?m)^drwxrwxrwt .* tmp/$", listing);
        Assert.Matches(@"(?m)^drwxr-s--- .* shared/$", listing);
        Assert.Matches(@"(?m)^prw-r--r-- .* fifo$", listing);
        Assert.Matches(@"(?m)^-rw-r--r-- \d+/\d+ +0 2023-11-14 \d\d:\d\d empty-file$", listing);
        Assert.DoesNotContain("PaxHeaders", listing, StringComparison.Ordinal);

        var extracted = temp.Combine("extracted");
        Directory.CreateDirectory(extracted);
        Tool.Run("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", layer, "-C", extracted);

        Assert.Equal(TestTree.Sha256(Path.Combine(source, "big.bin")), TestTree.Sha256(Path.Combine(extracted, "big.bin")));
        Assert.Equal("tool", File.ResolveLinkTarget(Path.Combine(extracted, "bin/link"), returnFinalTarget: false)?.ToString() is { } t ? Path.GetFileName(t) : null);
        var xattrs = Tool.Run("getfattr", "-d", "-e", "hex", Path.Combine(extracted, "xattr-file"));
        Assert.Contains("user.binary=0x00ff0a3d0000", xattrs, StringComparison.Ordinal);
        Assert.Contains("user.text=0x68656c6c6f", xattrs, StringComparison.Ordinal);
        Assert.Equal(
            Tool.Run("stat", "-c", "%i", Path.Combine(extracted, "hard/a")),
            Tool.Run("stat", "-c", "%i", Path.Combine(extracted, "hard/b")));

        // Everything the layer records (names, kinds, modes, owners, times, xattrs, contents, links, devices)
        // survived GNU tar's extraction exactly when the extracted tree gives the same layer.
        var again = temp.Combine("again.tar");
        await WriteLayerAsync(extracted, again);
        Assert.Equal(TestTree.Sha256(layer), TestTree.Sha256(again));
        return listing;
    }

    private static async Task WriteLayerAsync(string directory, string path)
    {
        var output = File.Create(path);
        await using (output.ConfigureAwait(false))
        {
            await new DirectoryLayerSource(directory).WriteAsync(output, CancellationToken.None);
        }
    }
}
