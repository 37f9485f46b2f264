using Kiln.Content.Compression;
using Kiln.Content.IO;
using Kiln.Content.Tar;
using Kiln.Runtime.Linux.Copy;
using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;
using Kiln.Testing;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>
/// Paths longer than PATH_MAX (4096 bytes) through the sandbox side: the step's upper, its snapshot, the diff, the
/// cleanups and <c>kiln cp</c>. The kernel allows them (relative mkdir and chdir reach any depth); so must kiln.
/// </summary>
public sealed class LongPathTests
{
    private static readonly string Component = new('d', 250);

    /// <summary>The same walk as the script below: /deep, then 40 components of 250 bytes.</summary>
    private static readonly string Bottom = "deep/" + LongPaths.Chain(Component, 40);

    private static readonly string Script =
        $"set -e; mkdir /deep; cd /deep; i=0; while [ $i -lt 40 ]; do mkdir {Component}; cd -P {Component}; i=$((i+1)); done; " +
        $"echo deep > file; ln file hard; ln -s /{new string('t', 3000)} link";

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public async Task A_run_step_that_makes_a_path_longer_than_PATH_MAX_is_kept_and_diffed_whole_and_cleaned_up(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        Kiln.Oci.Digest kept;
        long size;
        using (var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync()))
        {
            var result = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell(Script));
            Assert.True(result.ExitCode == 0, result.Stderr);
            (kept, size) = sandbox.Keep();
        }

        Assert.Empty(store.Mounts());
        Assert.Empty(Directory.GetFileSystemEntries(store.Snapshots.MountsPath));
        Assert.Equal("deep\n".Length * 2, size);

        var layer = await OverlayDiffer.DiffSnapshotAsync(store.Snapshots, store.Content, kept, null, CancellationToken.None);
        // (The layer also has etc/, where the run's /etc/hosts and /etc/resolv.conf were mounted, as BuildKit's has.)
        var entries = (await ReadLayerAsync(store, layer.Digest)).Where(e => e.NameText.StartsWith("deep/", StringComparison.Ordinal)).ToList();

        Assert.Equal(1 + 40 + 3, entries.Count);
        Assert.Equal(
            [(Bottom + "/", TarEntryKind.Directory, string.Empty), (Bottom + "/file", TarEntryKind.RegularFile, string.Empty),
             (Bottom + "/hard", TarEntryKind.HardLink, Bottom + "/file"), (Bottom + "/link", TarEntryKind.SymbolicLink, "/" + new string('t', 3000))],
            entries[^4..].Select(e => (e.NameText, e.Kind, e.LinkNameText)));

        // prune removes the snapshot whole and counts its bytes.
        var swept = Assert.Single(store.Snapshots.Sweep(keep: null), s => s.Name == kept);
        Assert.Equal((kept, size), (swept.Name, swept.Bytes));
        Assert.False(Directory.Exists(store.Snapshots.LayerDirectory(kept)));
    }

    /// <summary>A step that fails after making such a tree is not kept: its upper and work directories go with its mount.</summary>
    [Fact]
    public async Task A_failed_step_that_made_a_path_longer_than_PATH_MAX_leaves_nothing_behind()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using (var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync()))
        {
            var result = await SandboxHarness.RunAsync(sandbox, "crun", SandboxHarness.Shell(Script + "; exit 3"));
            Assert.Equal(3, result.ExitCode);
        }

        Assert.Empty(store.Mounts());
        Assert.Empty(Directory.GetFileSystemEntries(store.Snapshots.MountsPath));
    }

    /// <summary>
    /// A step cut short (SIGKILL) by an older kiln leaves its mount directory with such a tree in the upper and the
    /// lock file nobody holds. The next sandbox cleans it up instead of failing, as every command before did.
    /// </summary>
    [Fact]
    public async Task A_stale_mount_directory_holding_a_path_longer_than_PATH_MAX_is_cleaned_up()
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        var stale = Path.Combine(store.Snapshots.MountsPath, "b1407bfc5933d4b499bcc51e8b66b613");
        Directory.CreateDirectory(Path.Combine(stale, "upper", "deep"));
        Directory.CreateDirectory(Path.Combine(stale, "work", "work"));
        Directory.CreateDirectory(Path.Combine(stale, "merged"));
        File.WriteAllText(stale + ".lock", string.Empty);
        LongPaths.Create(Path.Combine(stale, "upper", "deep"), Component, 40, "deep", "/" + new string('t', 3000), hardLink: true);

        using (var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync()))
        {
            var result = await SandboxHarness.RunAsync(sandbox, "crun", SandboxHarness.Shell("true"));
            Assert.Equal(0, result.ExitCode);
        }

        Assert.False(Path.Exists(stale));
        Assert.False(Path.Exists(stale + ".lock"));
        Assert.Empty(Directory.GetFileSystemEntries(store.Snapshots.MountsPath));
    }

    [Fact]
    public async Task Kiln_cp_copies_a_tree_deeper_than_PATH_MAX_out_of_an_image()
    {
        using var temp = new TempTree();
        var image = Path.Combine(temp.Path, "image");
        Directory.CreateDirectory(Path.Combine(image, "deep"));
        LongPaths.Create(Path.Combine(image, "deep"), Component, 40, "deep", "/" + new string('t', 3000), hardLink: true);
        var destination = Path.Combine(temp.Path, "out");

        var result = await ImageCopier.CopyOutAsync(image, "/deep", destination, CancellationToken.None);

        Assert.Equal((2, 41, 1), (result.Files, result.Directories, result.Symlinks));
        var bottom = LongPaths.Chain(Component, 40);
        Assert.Equal("deep", LongPaths.Read(destination, bottom + "/file"));
        Assert.Equal("deep", LongPaths.Read(destination, bottom + "/hard"));
        Assert.Equal("/" + new string('t', 3000), LongPaths.ReadLink(destination, bottom + "/link"));
    }

    private static async Task<List<TarEntry>> ReadLayerAsync(TestStore store, Kiln.Oci.Digest digest)
    {
        var entries = new List<TarEntry>();
        await using var blob = await store.Content.OpenReadAsync(digest, CancellationToken.None);
        await using var tar = await LayerDecompression.OpenAsync(blob, leaveOpen: true, CancellationToken.None);
        await using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync(CancellationToken.None) is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>A temp directory removed with <see cref="DirectoryTree"/>, which reaches below PATH_MAX.</summary>
    private sealed class TempTree : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("kiln-rt-long-").FullName;

        public void Dispose() => DirectoryTree.Remove(Path);
    }
}
