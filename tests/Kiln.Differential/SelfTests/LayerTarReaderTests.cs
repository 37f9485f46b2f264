using Kiln.Differential.Images;

namespace Kiln.Differential.SelfTests;

/// <summary>The suite's own tar reader against GNU tar's PAX output: long and non-UTF-8 names, xattrs, links, devices.</summary>
public sealed class LayerTarReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kiln-diff-tar-").FullName;

    [Fact]
    public async Task Reads_what_GNU_tar_writes_in_PAX_format()
    {
        var tree = Path.Combine(_dir, "tree");
        var longName = new string('n', 150);
        await Tools.RunAsync("sh", ["-euc", $"""
            mkdir -p tree/d; cd tree
            printf hello > d/{longName}; ln d/{longName} hard; ln -s d/{longName} sym
            printf x > "$(printf 'caf\351')"; setfattr -n user.k -v v hard
            mknod null c 1 3; chown 7:8 hard; chmod 4750 hard; touch -d @1600000000.5 hard
            """], workingDirectory: _dir);
        var tar = Path.Combine(_dir, "t.tar");
        await Tools.RunAsync("tar", ["--format=pax", "--xattrs", "--xattrs-include=user.*", "--sort=name", "-C", tree, "-cf", tar, "."]);

        var entries = LayerTarReader.Read(tar).ToDictionary(e => LayerPath.Of(e.Name));

        var file = entries[$"/d/{longName}"];
        Assert.Equal(('0', 5L, 0x9E8, 7L, 8L), (file.Type, file.Size, file.Mode, file.Uid, file.Gid));
        Assert.Equal((1_600_000_000L, 500_000_000), (file.MtimeSeconds, file.MtimeNanoseconds));
        Assert.Equal("hello"u8.ToArray(), file.ShortContent);
        Assert.Equal('1', entries["/hard"].Type);
        Assert.Equal($"/d/{longName}", LayerPath.Of(entries["/hard"].LinkName));
        Assert.Equal(('2', $"d/{longName}"), (entries["/sym"].Type, LayerPath.Text(entries["/sym"].LinkName)));
        Assert.Equal(('3', 1L, 3L), (entries["/null"].Type, entries["/null"].DeviceMajor, entries["/null"].DeviceMinor));
        Assert.True(entries.ContainsKey("/caf\\xe9"));
        Assert.Equal("v"u8.ToArray(), entries[$"/d/{longName}"].Xattrs["user.k"]);
    }

    // rm, not Directory.Delete: .NET cannot name a file whose name is not UTF-8.
    public void Dispose() => Tools.RunBytes("rm", ["-rf", _dir]);
}
