using System.Text.Json;
using Kiln.Testing;

namespace Kiln.Cli.Tests.Build;

/// <summary>
/// Paths longer than PATH_MAX (4096 bytes), which the kernel allows and BuildKit builds, through every command:
/// a RUN that makes one (20 components of 200 bytes, 4,000 bytes as the issue has it, and 40 of 250, 10,000 bytes,
/// which only relative *at() calls reach), an ADD of archives holding them, COPY --from a stage that has them, the
/// image's layers, kiln run and kiln cp on it, save and load, the local and tar exports, prune, and a store that an
/// older kiln left with such a tree under its mounts.
/// </summary>
public sealed class LongPathBuildTests(BusyboxBase busybox) : IClassFixture<BusyboxBase>
{
    private static readonly string Short = new('a', 200);
    private static readonly string Long = new('d', 250);
    private static readonly string Target = "/" + new string('t', 3000);

    /// <summary>/deep with 20 components of 200 bytes (4,025 bytes), made with one mkdir -p.</summary>
    private static readonly string ShortBottom = "deep/" + LongPaths.Chain(Short, 20);

    /// <summary>/deeper with 40 components of 250 bytes (10,046 bytes), made by walking down.</summary>
    private static readonly string LongBottom = "deeper/" + LongPaths.Chain(Long, 40);

    private static readonly string Dockerfile = $"""
        FROM localhost/busybox:latest AS maker
        RUN set -e; p=/deep; for i in $(seq 1 20); do p="$p/{Short}"; done; mkdir -p "$p"; echo hello > "$p/file"
        RUN set -e; mkdir /deeper; cd /deeper; for i in $(seq 1 40); do mkdir {Long}; cd -P {Long}; done; echo deep > file; ln file hard; ln -s {Target} link

        FROM localhost/busybox:latest
        COPY --from=maker /deep /deep
        COPY --from=maker /deeper /deeper
        """;

    /// <summary>Reads the files at the bottom of both trees inside a container: cd -P walks down one name at a time.</summary>
    private static readonly string Check =
        $"cd -P /deep; for i in $(seq 1 20); do cd -P {Short}; done; cat file; " +
        $"cd -P /deeper; for i in $(seq 1 40); do cd -P {Long}; done; cat file hard; readlink link | wc -c";

    [Fact]
    public void A_run_that_makes_paths_longer_than_PATH_MAX_builds_and_every_command_handles_the_image()
    {
        using var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", Dockerfile);

        w.Build("--target", "maker", "-t", "long:run");
        w.Build("-t", "long:copy", "-o", $"type=local,dest={w.PathOf("local")}", "-o", $"type=tar,dest={w.PathOf("rootfs.tar")}", "-o", "type=image");

        // The RUN layers hold every entry, the long names in PAX records (as BuildKit writes the 4,000-byte one).
        var layers = LayerListings(w, "long:run", w.PathOf("run.tar"));
        Assert.Contains(ShortBottom + "/file", layers[^2]);
        Assert.Equal(1 + 40 + 3, layers[^1].Count(n => n.StartsWith("deeper/", StringComparison.Ordinal)));
        Assert.Contains(LongBottom + "/file", layers[^1]);
        Assert.Contains(LongBottom + "/hard link to " + LongBottom + "/file", layers[^1]);
        Assert.Contains(LongBottom + "/link -> " + Target, layers[^1]);

        // COPY --from carried them; the image runs, and kiln cp copies them out.
        var expected = "hello\ndeep\ndeep\n3002\n";
        Assert.Equal(expected, Run(w, "long:copy"));
        var cp = w.Kiln("cp", "long:copy:/deeper", w.PathOf("cp"));
        Assert.True(cp.ExitCode == 0, cp.Error);
        Assert.Equal("deep", LongPaths.Read(w.PathOf("cp"), LongPaths.Chain(Long, 40) + "/hard").TrimEnd());
        Assert.Equal(Target, LongPaths.ReadLink(w.PathOf("cp"), LongPaths.Chain(Long, 40) + "/link"));

        // The exports have them whole.
        Assert.Equal("deep\n", LongPaths.Read(w.PathOf("local"), LongBottom + "/file"));
        Assert.Equal(Target, LongPaths.ReadLink(w.PathOf("local"), LongBottom + "/link"));
        Assert.Contains(LongBottom + "/file", BusyboxBase.Exec("tar", "-tf", w.PathOf("rootfs.tar")).Split('\n'));

        // save and load into another store, which unpacks the layers again.
        var save = w.Kiln("save", "-o", w.PathOf("image.tar"), "long:copy");
        Assert.True(save.ExitCode == 0, save.Error);
        var other = CliRun.Of("--root", w.PathOf("other"), "load", "-i", w.PathOf("image.tar"));
        Assert.True(other.ExitCode == 0, other.Error);
        Assert.Equal(expected, CliRun.Of("--root", w.PathOf("other"), "run", "--rm", "long:copy", "sh", "-c", Check).Output);

        // Everything goes again: the snapshots of the steps and of the unpacked layers, and no mount is left over.
        Assert.Equal(0, w.Kiln("rm", "long:run", "long:copy").ExitCode);
        var prune = w.Kiln("prune", "--all");
        Assert.True(prune.ExitCode == 0, prune.Error);
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(w.Store, "snapshots", "layers")), HoldsDeep);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(w.Store, "snapshots", "mounts")));
        Assert.Empty(w.Mounts());
    }

    [Fact]
    public void An_add_of_archives_holding_paths_longer_than_PATH_MAX_builds()
    {
        using var w = new BuildWorkspace(busybox);
        var trees = w.PathOf("trees");
        Directory.CreateDirectory(Path.Combine(trees, "deep"));
        Directory.CreateDirectory(Path.Combine(trees, "deeper"));
        LongPaths.Create(Path.Combine(trees, "deep"), Short, 20, "hello\n");
        LongPaths.Create(Path.Combine(trees, "deeper"), Long, 40, "deep\n", Target, hardLink: true);
        BusyboxBase.Exec("tar", "--format=pax", "-C", trees, "-cf", Path.Combine(w.Context, "deep.tar"), "deep");
        BusyboxBase.Exec("tar", "--format=gnu", "-C", trees, "-cf", Path.Combine(w.Context, "deeper.tar"), "deeper");
        w.Write("Dockerfile", "FROM localhost/busybox:latest\nADD deep.tar deeper.tar /\n");

        w.Build("-t", "long:add");

        Assert.Equal("hello\ndeep\ndeep\n3002\n", Run(w, "long:add"));
        var layer = LayerListings(w, "long:add", w.PathOf("add.tar"))[^1];
        Assert.Contains(LongBottom + "/link -> " + Target, layer);
    }

    /// <summary>
    /// A context holding such a tree is copied, and the trees steps leave in a cache mount and in a read-write bind's
    /// copy are removed afterwards: the bind copy when the step ends, the cache by prune --all.
    /// </summary>
    [Fact]
    public void A_context_a_cache_mount_and_a_bind_copy_holding_paths_longer_than_PATH_MAX_are_copied_and_cleaned_up()
    {
        using var w = new BuildWorkspace(busybox);
        Directory.CreateDirectory(Path.Combine(w.Context, "deeper"));
        LongPaths.Create(Path.Combine(w.Context, "deeper"), Long, 40, "deep\n", Target, hardLink: true);
        w.Write("Dockerfile", $"""
            FROM localhost/busybox:latest
            COPY deeper /deeper
            RUN --mount=type=cache,target=/cache set -e; cd /cache; for i in $(seq 1 40); do mkdir -p {Long}; cd -P {Long}; done; echo c > f
            RUN --mount=type=bind,target=/b,rw set -e; cd -P /b/deeper; for i in $(seq 1 40); do cd -P {Long}; done; echo b > more
            RUN set -e; mkdir -p /deep; cd /deep; for i in $(seq 1 20); do mkdir {Short}; cd -P {Short}; done; echo hello > file
            """);

        w.Build("-t", "long:context");

        Assert.Equal("hello\ndeep\ndeep\n3002\n", Run(w, "long:context"));
        var prune = w.Kiln("prune", "--all");
        Assert.True(prune.ExitCode == 0, prune.Error);
        Assert.Contains("Deleted 1 RUN --mount cache directory", prune.Output, StringComparison.Ordinal);
        Assert.Empty(w.Mounts());
    }

    /// <summary>
    /// What kiln before this fix left when such a RUN failed (checked with that binary): the mount directory with
    /// only its upper, where the delete stopped, and the lock file nobody holds. Every later build, run and cp failed
    /// on it; the next command now removes it, and so does prune.
    /// </summary>
    [Fact]
    public void A_store_left_with_a_long_path_under_its_mounts_is_repaired_by_the_next_command_and_by_prune()
    {
        using var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", "FROM localhost/busybox:latest\nRUN echo built > /built\n");
        var mounts = Path.Combine(w.Store, "snapshots", "mounts");

        Leave(mounts, "b1407bfc5933d4b499bcc51e8b66b613");
        w.Build("-t", "after:1");
        Assert.Empty(Directory.GetFileSystemEntries(mounts));

        Leave(mounts, "fa326f47dab358b8b9f59ce48ba11113");
        var prune = w.Kiln("prune");
        Assert.True(prune.ExitCode == 0, prune.Error);
        Assert.Contains("Deleted 1 mount directory of interrupted runs", prune.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(mounts));

        Leave(mounts, "0123456789abcdef0123456789abcdef");
        Assert.Equal("built\n", w.Kiln("run", "--rm", "after:1", "cat", "/built").Output);
        Assert.True(w.Kiln("cp", "after:1:/built", w.PathOf("built")).ExitCode == 0);
        Assert.Empty(Directory.GetFileSystemEntries(mounts));
    }

    private static void Leave(string mounts, string id)
    {
        var upper = Path.Combine(mounts, id, "upper", "deep");
        Directory.CreateDirectory(upper);
        LongPaths.Create(upper, Short, 20, "hello\n");
        File.WriteAllText(Path.Combine(mounts, id + ".lock"), string.Empty);
    }

    private static string Run(BuildWorkspace w, string image)
    {
        var run = w.Kiln("run", "--rm", image, "sh", "-c", Check);
        Assert.True(run.ExitCode == 0, run.Error);
        return run.Output;
    }

    /// <summary>Each layer of the image as GNU tar lists it (name, " link to " or " -> " and the target), from kiln save.</summary>
    private static List<string[]> LayerListings(BuildWorkspace w, string image, string archive)
    {
        var save = w.Kiln("save", "-o", archive, image);
        Assert.True(save.ExitCode == 0, save.Error);
        var unpacked = archive + ".d";
        Directory.CreateDirectory(unpacked);
        BusyboxBase.Exec("tar", "-C", unpacked, "-xf", archive);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(unpacked, "manifest.json")));
        return
        [
            .. manifest.RootElement[0].GetProperty("Layers").EnumerateArray().Select(layer =>
                BusyboxBase.Exec("tar", "--quoting-style=literal", "-tvf", Path.Combine(unpacked, layer.GetString()!))
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries)[5])
                    .ToArray()),
        ];
    }

    private static bool HoldsDeep(string snapshot) => Directory.Exists(Path.Combine(snapshot, "deep")) || Directory.Exists(Path.Combine(snapshot, "deeper"));
}
