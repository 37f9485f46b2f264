using System.Text;
using Kiln.Differential.Images;

namespace Kiln.Differential.SelfTests;

/// <summary>The judge judged: layers flatten as a container sees them, names keep their bytes.</summary>
public sealed class FlatFilesystemTests
{
    [Fact]
    public void Whiteouts_hide_what_lower_layers_hold_and_an_opaque_directory_keeps_only_its_own_layer()
    {
        var fs = FlatFilesystem.Of(
        [
            [Dir("etc"), File("etc/a"), Dir("d"), File("d/old"), Dir("d/sub"), File("d/sub/x"), File("gone")],
            [File(".wh.gone"), Dir("d"), File("d/.wh..wh..opq"), File("d/new"), File("etc/.wh.a"), File("etc/b")],
        ]);

        Assert.Equal(["/d", "/d/new", "/etc", "/etc/b"], fs.Paths.Keys);
    }

    [Fact]
    public void A_whiteout_applies_to_lower_layers_only_and_a_file_over_a_directory_replaces_the_tree()
    {
        var fs = FlatFilesystem.Of(
        [
            [Dir("d"), File("d/x"), Dir("t"), File("t/in")],
            [File(".wh.d"), Dir("d"), File("d/y"), File("t")],
        ]);

        Assert.Equal(["/d", "/d/y", "/t"], fs.Paths.Keys);
        Assert.Equal('0', fs.Paths["/t"].Type);
    }

    [Fact]
    public void A_hard_link_shares_its_target_until_a_later_layer_replaces_one_name()
    {
        var linked = FlatFilesystem.Of([[File("a", "x"), Link("b", "a"), Link("c", "./a")]]);
        Assert.Equal(["/a", "/b", "/c"], linked.LinkGroup("/b"));
        Assert.Equal(linked.Paths["/a"].ContentSha256, linked.Paths["/c"].ContentSha256);

        var broken = FlatFilesystem.Of([[File("a", "x"), Link("b", "a")], [File("b", "y")]]);
        Assert.Equal(["/a"], broken.LinkGroup("/a"));
        Assert.Equal(["/b"], broken.LinkGroup("/b"));

        var dangling = FlatFilesystem.Of([[Link("b", "nowhere")]]);
        Assert.Equal(["/b -> /nowhere"], dangling.BrokenLinks);
    }

    [Fact]
    public void Names_that_are_not_UTF8_keep_their_bytes_and_have_one_spelling()
    {
        Assert.Equal("/caf\\xe9/x", LayerPath.Of([.. "./caf"u8, 0xE9, .. "/x/"u8]));
        Assert.Equal("/café", LayerPath.Of(Encoding.UTF8.GetBytes("café")));
        Assert.Equal("/a\\\\xe9", LayerPath.Of(Encoding.UTF8.GetBytes("a\\xe9")));
        Assert.Equal("/", LayerPath.Of("./"u8.ToArray()));
    }

    internal static LayerEntry Dir(string name) => new() { Name = Encoding.UTF8.GetBytes(name + "/"), Type = '5', Mode = 0x1ED };

    internal static LayerEntry File(string name, string content = "") => new()
    {
        Name = Encoding.UTF8.GetBytes(name),
        Type = '0',
        Mode = 0x1A4,
        Size = content.Length,
        ContentSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(content))),
        ShortContent = Encoding.UTF8.GetBytes(content),
    };

    internal static LayerEntry Link(string name, string target) => new() { Name = Encoding.UTF8.GetBytes(name), Type = '1', LinkName = Encoding.UTF8.GetBytes(target) };
}
