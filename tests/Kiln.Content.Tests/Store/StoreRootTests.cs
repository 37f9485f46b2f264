using Kiln.Content.Store;

namespace Kiln.Content.Tests.Store;

public sealed class StoreRootTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] pairs) =>
        key => pairs.FirstOrDefault(p => p.Key == key).Value;

    [Fact]
    public void The_option_wins()
    {
        var root = StoreRoot.Resolve("/opt/k", Env(("KILN_ROOT", "/env/k"), ("XDG_DATA_HOME", "/xdg")), isRoot: true, "/home/u");

        Assert.Equal("/opt/k", root.Path);
    }

    [Fact]
    public void KILN_ROOT_comes_next()
    {
        var root = StoreRoot.Resolve(null, Env(("KILN_ROOT", "/env/k"), ("XDG_DATA_HOME", "/xdg")), isRoot: true, "/home/u");

        Assert.Equal("/env/k", root.Path);
    }

    [Fact]
    public void Root_uses_var_lib_kiln()
    {
        var root = StoreRoot.Resolve(null, Env(("XDG_DATA_HOME", "/xdg")), isRoot: true, "/root");

        Assert.Equal("/var/lib/kiln", root.Path);
    }

    [Fact]
    public void A_user_uses_XDG_DATA_HOME()
    {
        var root = StoreRoot.Resolve("", Env(("KILN_ROOT", ""), ("XDG_DATA_HOME", "/xdg")), isRoot: false, "/home/u");

        Assert.Equal("/xdg/kiln", root.Path);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/data")]
    public void Without_a_valid_XDG_DATA_HOME_a_user_uses_local_share(string? dataHome)
    {
        var root = StoreRoot.Resolve(null, key => key == "XDG_DATA_HOME" ? dataHome : null, isRoot: false, "/home/u");

        Assert.Equal("/home/u/.local/share/kiln", root.Path);
    }

    [Fact]
    public void A_relative_option_is_made_absolute()
    {
        var root = StoreRoot.Resolve("store", Env(), isRoot: false, "/home/u");

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "store"), root.Path);
    }

    [Fact]
    public void The_layout_is_an_oci_layout_with_ingest_and_locks()
    {
        var root = new StoreRoot("/k");
        var digest = Kiln.Oci.Digest.Sha256Of("a"u8);

        Assert.Equal($"/k/blobs/sha256/{digest.Encoded}", root.BlobPath(digest));
        Assert.Equal("/k/ingest", root.IngestPath);
        Assert.Equal("/k/locks", root.LocksPath);
        Assert.Equal("/k/images.json", root.ImagesFile);
    }
}
