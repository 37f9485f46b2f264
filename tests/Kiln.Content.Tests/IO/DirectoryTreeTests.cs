using Kiln.Content.IO;
using Kiln.Content.Tests.Support;
using Kiln.Testing;

namespace Kiln.Content.Tests.IO;

public sealed class DirectoryTreeTests
{
    private static readonly string Component = new('d', 250);

    /// <summary>
    /// What a RUN step can leave in its upper directory: 40 components of 250 bytes (10,000 bytes of path, which no
    /// path-based delete reaches), a hard link, a long symlink, a name that is not UTF-8 and a read-only directory.
    /// </summary>
    [Fact]
    public void Remove_takes_down_a_tree_deeper_than_PATH_MAX()
    {
        using var temp = new TempDirectory();
        var tree = temp.Combine("tree");
        Directory.CreateDirectory(tree);
        var file = LongPaths.Create(tree, Component, 40, "deep", "/" + new string('t', 3000), hardLink: true);
        Tool.RunIn(tree, "busybox", "sh", "-c", "mkdir \"$(printf 'bad\\377')\" && touch \"$(printf 'bad\\377')/f\" && mkdir ro && touch ro/f && chmod 0555 ro");
        Assert.True(LongPaths.Exists(tree, file));

        Assert.True(DirectoryTree.Remove(tree));

        Assert.False(Path.Exists(tree));
        Assert.False(DirectoryTree.Remove(tree));
    }

    [Fact]
    public void Remove_never_follows_a_symlink_out_of_the_tree()
    {
        using var temp = new TempDirectory();
        var outside = temp.Combine("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "keep"), "precious");
        var tree = temp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        File.CreateSymbolicLink(Path.Combine(tree, "sub", "to-dir"), outside);
        File.CreateSymbolicLink(Path.Combine(tree, "sub", "to-file"), Path.Combine(outside, "keep"));
        var link = temp.Combine("link-to-outside");
        File.CreateSymbolicLink(link, outside);

        Assert.True(DirectoryTree.Remove(tree));
        Assert.True(DirectoryTree.Remove(link));

        Assert.False(Path.Exists(tree));
        Assert.False(Path.Exists(link));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(outside, "keep")));
    }

    /// <summary>A mount left under a tree (a stale overlay or bind) is refused: deleting through it would delete what is mounted.</summary>
    [Fact]
    public void Remove_refuses_to_delete_through_a_mount_point()
    {
        Prerequisites.RequireRoot();
        using var temp = new TempDirectory();
        var tree = temp.Combine("tree");
        var mountPoint = Path.Combine(tree, "sub", "mnt");
        Directory.CreateDirectory(mountPoint);
        Tool.Run("mount", "-t", "tmpfs", "tmpfs", mountPoint);
        try
        {
            File.WriteAllText(Path.Combine(mountPoint, "mounted"), "not ours");

            var error = Assert.Throws<IOException>(() => DirectoryTree.Remove(tree));

            Assert.Contains("mount point", error.Message, StringComparison.Ordinal);
            Assert.Equal("not ours", File.ReadAllText(Path.Combine(mountPoint, "mounted")));
        }
        finally
        {
            Tool.Run("umount", mountPoint);
        }

        Assert.True(DirectoryTree.Remove(tree));
        Assert.False(Path.Exists(tree));
    }

    [Fact]
    public void RegularFileBytes_counts_the_files_of_a_tree_deeper_than_PATH_MAX_and_not_what_links_point_at()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("big"), new byte[100_000]);
        var tree = temp.Combine("tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "top"), "123");
        LongPaths.Create(tree, Component, 40, "deep", temp.Combine("big"));

        Assert.Equal(3 + 4, DirectoryTree.RegularFileBytes(tree));
        Assert.Equal(0, DirectoryTree.RegularFileBytes(temp.Combine("missing")));
    }
}
