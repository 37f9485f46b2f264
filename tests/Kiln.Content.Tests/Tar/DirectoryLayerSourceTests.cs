using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Kiln.Content.Compression;
using Kiln.Content.Tar;
using DotnetTarReader = System.Formats.Tar.TarReader;
using DotnetTarEntryType = System.Formats.Tar.TarEntryType;
using PosixTarEntry = System.Formats.Tar.PosixTarEntry;
using Kiln.Content.Tests.Support;
using Kiln.Testing;

namespace Kiln.Content.Tests.Tar;

public sealed class DirectoryLayerSourceTests
{
    [Fact]
    public async Task Entries_follow_go_walk_order_parent_first_names_sorted_by_bytes()
    {
        using var temp = new TempDirectory();
        foreach (var file in new[] { "b", "a.d", "a-c", "A", "a/b", "a/a/z", "é", "z" })
        {
            var path = temp.Combine(file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, file);
        }

        var names = (await ReadEntriesAsync(temp.Path)).Select(e => e.Name).ToList();

        // Not a sort of whole paths, where "a-c" and "a.d" would come before "a/" ('-' and '.' sort before '/').
        Assert.Equal(["A", "a/", "a/a/", "a/a/z", "a/b", "a-c", "a.d", "b", "z", "é"], names);
    }

    [Fact]
    public async Task Symlinks_are_recorded_never_followed()
    {
        using var temp = new TempDirectory();
        var outside = temp.Combine("outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret"), "not in the layer");
        var root = temp.Combine("root");
        Directory.CreateDirectory(root);
        File.CreateSymbolicLink(Path.Combine(root, "dir-link"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "file-link"), Path.Combine(outside, "secret"));

        var entries = await ReadEntriesAsync(root);

        Assert.Equal(["dir-link", "file-link"], entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.Equal(DotnetTarEntryType.SymbolicLink, e.EntryType));
        Assert.Equal(Path.Combine(outside, "secret"), entries[1].LinkName);
    }

    [Fact]
    public async Task A_symlink_as_root_is_refused()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("real"));
        File.CreateSymbolicLink(temp.Combine("link"), temp.Combine("real"));
        var error = await Assert.ThrowsAsync<IOException>(() => new DirectoryLayerSource(temp.Combine("link")).WriteAsync(Stream.Null, CancellationToken.None));
        Assert.Contains("must be a directory", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A tree deeper than PATH_MAX (40 components of 250 bytes, as a RUN step can make it) is written whole: every
    /// directory, the file and the hard link at the bottom, and a symlink with a 3000-byte target, with PAX path and
    /// linkpath records where ustar cannot hold them.
    /// </summary>
    [Fact]
    public async Task A_tree_deeper_than_PATH_MAX_is_written_whole_with_pax_path_and_linkpath_records()
    {
        using var temp = new TempDirectory();
        var target = "/" + new string('t', 3000);
        Directory.CreateDirectory(temp.Combine("deep"));
        var bottom = "deep/" + LongPaths.Chain(new string('d', 250), 40);
        LongPaths.Create(temp.Combine("deep"), new string('d', 250), 40, "deep", target, hardLink: true);

        var entries = await ReadEntriesAsync(temp.Path);

        Assert.Equal(1 + 40 + 3, entries.Count);
        Assert.Equal(bottom + "/", entries[40].Name);
        Assert.Equal((bottom + "/file", DotnetTarEntryType.RegularFile, 4L), (entries[41].Name, entries[41].EntryType, entries[41].Length));
        Assert.Equal((bottom + "/hard", DotnetTarEntryType.HardLink, bottom + "/file"), (entries[42].Name, entries[42].EntryType, entries[42].LinkName));
        Assert.Equal((bottom + "/link", DotnetTarEntryType.SymbolicLink, target), (entries[43].Name, entries[43].EntryType, entries[43].LinkName));
        Assert.Equal("deep", new StreamReader(entries[41].DataStream!).ReadToEnd());
    }

    [Fact]
    public async Task Later_names_of_a_file_become_hard_links_to_the_first()
    {
        Prerequisites.RequireTool("ln");

        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("m"), "content");
        Directory.CreateDirectory(temp.Combine("d"));
        Tool.Run("ln", temp.Combine("m"), temp.Combine("d", "x"));
        Tool.Run("ln", temp.Combine("m"), temp.Combine("z"));

        var entries = await ReadEntriesAsync(temp.Path);

        Assert.Equal(["d/", "d/x", "m", "z"], entries.Select(e => e.Name));
        Assert.Equal(DotnetTarEntryType.RegularFile, entries[1].EntryType);
        Assert.Equal(7, entries[1].Length);
        Assert.Equal((DotnetTarEntryType.HardLink, "d/x", 0L), (entries[2].EntryType, entries[2].LinkName, entries[2].Length));
        Assert.Equal((DotnetTarEntryType.HardLink, "d/x"), (entries[3].EntryType, entries[3].LinkName));
    }

    [Fact]
    public async Task Sockets_are_skipped()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("file"), "x");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(temp.Combine("socket")));

        Assert.Equal(["file"], (await ReadEntriesAsync(temp.Path)).Select(e => e.Name));
    }

    [Fact]
    public async Task Source_date_epoch_clamps_later_times_and_owner_override_applies()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("new"), "x");
        await File.WriteAllTextAsync(temp.Combine("old"), "x");
        File.SetLastWriteTimeUtc(temp.Combine("old"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var epoch = DateTimeOffset.FromUnixTimeSeconds(1_600_000_000);

        var entries = await ReadEntriesAsync(temp.Path, new DirectoryLayerOptions { SourceDateEpoch = epoch, Uid = 0, Gid = 0 });

        Assert.Equal(epoch, entries[0].ModificationTime);
        Assert.Equal(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero), entries[1].ModificationTime);
        Assert.All(entries, e => Assert.Equal((0, 0), (e.Uid, e.Gid)));
    }

    [Fact]
    public void Source_date_epoch_parses_seconds_and_refuses_anything_else()
    {
        Assert.Null(SourceDateEpoch.Parse(null));
        Assert.Null(SourceDateEpoch.Parse(string.Empty));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), SourceDateEpoch.Parse("1700000000"));
        Assert.Throws<FormatException>(() => SourceDateEpoch.Parse("-5"));
        Assert.Throws<FormatException>(() => SourceDateEpoch.Parse("2023-11-14"));
        Assert.Throws<FormatException>(() => SourceDateEpoch.Parse(" 17"));
        Assert.Throws<FormatException>(() => SourceDateEpoch.Parse("99999999999999999999"));
    }

    [Fact]
    public async Task Same_directory_gives_same_bytes_twice_in_one_process()
    {
        Prerequisites.RequireTool("setfattr");

        using var temp = new TempDirectory();
        TestTree.CreateUnprivileged(temp.Path);
        var first = await LayerWriter.WriteAsync(new DirectoryLayerSource(temp.Path).WriteAsync, Stream.Null, new LayerWriterOptions { Compression = LayerCompression.Gzip }, CancellationToken.None);
        var second = await LayerWriter.WriteAsync(new DirectoryLayerSource(temp.Path).WriteAsync, Stream.Null, new LayerWriterOptions { Compression = LayerCompression.Gzip }, CancellationToken.None);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Same_directory_gives_same_digests_in_two_other_processes()
    {
        Prerequisites.RequireTool("dotnet");
        Prerequisites.RequireTool("setfattr");

        using var temp = new TempDirectory();
        var tree = temp.Combine("tree");
        Directory.CreateDirectory(tree);
        TestTree.CreateUnprivileged(tree);
        var helper = BuildBenchHelper();
        var results = new List<string>();
        foreach (var compression in new[] { "none", "gzip", "zstd" })
        {
            var outputs = Enumerable.Range(0, 2)
                .Select(_ => Tool.RunBytes("dotnet", ["exec", helper, "digest", tree, compression]).Output.Trim())
                .ToList();
            Assert.Equal(outputs[0], outputs[1]);
            var blob = await LayerWriter.WriteAsync(
                new DirectoryLayerSource(tree).WriteAsync,
                Stream.Null,
                new LayerWriterOptions { Compression = Enum.Parse<LayerCompression>(compression, ignoreCase: true) },
                CancellationToken.None);
            Assert.Equal($"{blob.Digest} {blob.Size} {blob.DiffId} {blob.UncompressedSize}", outputs[0]);
            results.Add(outputs[0]);
        }

        Assert.Equal(3, results.Distinct().Count());
    }

    private static string BuildBenchHelper([CallerFilePath] string source = "")
    {
        var repository = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "../../.."));
        var project = Path.Combine(repository, "bench", "Kiln.Bench.Layers");
        var output = Path.Combine(Path.GetTempPath(), "kiln-bench-helper-" + Environment.ProcessId);
        Tool.RunBytes("dotnet", ["build", project, "-c", "Release", "-o", output, "--nologo", "-v", "q"]);
        return Path.Combine(output, "Kiln.Bench.Layers.dll");
    }

    private static async Task<List<PosixTarEntry>> ReadEntriesAsync(string directory, DirectoryLayerOptions? options = null)
    {
        var stream = new MemoryStream();
        await new DirectoryLayerSource(directory, options).WriteAsync(stream, CancellationToken.None);
        stream.Position = 0;
        using var reader = new DotnetTarReader(stream);
        var entries = new List<PosixTarEntry>();
        while (reader.GetNextEntry(copyData: true) is PosixTarEntry entry)
        {
            entries.Add(entry);
        }

        return entries;
    }
}
