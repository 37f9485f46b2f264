using System.IO.Compression;
using System.Text;
using Kiln.Content.Layers;
using Kiln.Content.Tar;
using Kiln.Content.Tests.Support;
using Kiln.Testing;

namespace Kiln.Content.Tests.Hostile;

/// <summary>
/// A corpus of hostile layers, each built byte by byte. Every one must be refused with a clear I/O or format error,
/// or contained: whatever happens inside the root, nothing outside it changes.
/// </summary>
public sealed class HostileArchiveTests
{
    private static readonly Dictionary<string, HostileCase> Corpus = new(StringComparer.Ordinal)
    {
        ["absolute_name_is_kept_inside_root"] = new(
            s => new RawTar().File("/outside.txt", "pwned").Build(),
            Outcome.Contained,
            (s, _) => Assert.Equal("pwned", File.ReadAllText(Path.Join(s.Root, "outside.txt")))),
        ["dotdot_name_is_refused"] = new(s => new RawTar().File("../outside.txt", "pwned").Build(), Outcome.Refused),
        ["dotdot_after_directories_is_refused"] = new(s => new RawTar().File("a/b/../../../outside.txt", "pwned").Build(), Outcome.Refused),
        ["symlink_to_outside_then_file_through_it"] = new(
            s => new RawTar().Symlink("a", s.Path).File("a/outside.txt", "pwned").Build(),
            Outcome.Contained,
            (s, _) => Assert.Equal("pwned", File.ReadAllText(Path.Join(s.Root, s.Path, "outside.txt")))),
        ["symlink_like_etc_then_passwd"] = new(
            s => new RawTar().Symlink("a", "/etc").File("a/passwd", "root::0:0::/:/bin/sh").Build(),
            Outcome.Contained,
            (s, _) => Assert.True(File.Exists(Path.Join(s.Root, "etc", "passwd")))),
        ["relative_symlink_climbing_out_then_file"] = new(
            s => new RawTar().Symlink("a", "../../../../../../..").File("a/outside.txt", "pwned").Build(),
            Outcome.Contained,
            (s, _) => Assert.Equal("pwned", File.ReadAllText(Path.Join(s.Root, "outside.txt")))),
        ["symlink_chain_pointing_out"] = new(
            s => new RawTar().Symlink("a", "b").Dir("d").Symlink("d/c", "../..").Symlink("b", "d/c").File("a/outside.txt", "pwned").Build(),
            Outcome.Contained),
        ["symlink_loop_is_refused"] = new(
            s => new RawTar().Symlink("a", "b").Symlink("b", "a").File("a/x", "x").Build(), Outcome.Refused),
        ["hardlink_to_absolute_outside_path"] = new(
            s => new RawTar().HardLink("h", Path.Join(s.Path, "outside.txt")).Build(), Outcome.Refused),
        ["hardlink_with_dotdot"] = new(s => new RawTar().HardLink("h", "../outside.txt").Build(), Outcome.Refused),
        ["hardlink_to_nonexistent_target"] = new(s => new RawTar().HardLink("h", "nope").Build(), Outcome.Refused),
        ["hardlink_through_symlink_to_outside"] = new(
            s => new RawTar().Symlink("s", s.Path).HardLink("h", "s/outside.txt").Build(), Outcome.Refused),
        ["hardlink_to_symlink_links_the_symlink_itself"] = new(
            s => new RawTar().Symlink("s", Path.Join(s.Path, "outside.txt")).HardLink("h", "s").File("h", "pwned").Build(),
            Outcome.Contained),
        ["directory_swapped_for_symlink_mid_archive"] = new(
            s => new RawTar().Dir("d").File("d/a", "a").Symlink("d", s.Path).File("d/outside.txt", "pwned").Build(),
            Outcome.Contained,
            (s, _) => Assert.Equal("pwned", File.ReadAllText(Path.Join(s.Root, s.Path, "outside.txt")))),
        ["file_replacing_symlink_is_not_written_through_it"] = new(
            s => new RawTar().Symlink("f", Path.Join(s.Path, "outside.txt")).File("f", "pwned").Build(),
            Outcome.Contained,
            (s, _) => Assert.Equal("pwned", File.ReadAllText(Path.Join(s.Root, "f")))),
        ["device_node_when_not_root_is_skipped"] = new(
            s => new RawTar().Device("dev/sda", '4', 8, 0).Build(),
            Outcome.Contained,
            (s, r) =>
            {
                Assert.False(File.Exists(Path.Join(s.Root, "dev", "sda")));
                Assert.Contains(r!.Warnings, w => w.Contains("device", StringComparison.Ordinal));
            },
            new ExtractOptions { Privileged = false }),
        ["name_longer_than_path_max_is_kept_inside_root"] = new(
            s => new RawTar().Pax(("path", string.Join('/', Enumerable.Repeat(new string('a', 200), 30)))).File("x", "x").Build(),
            Outcome.Contained,
            (s, _) => Assert.Equal("x", LongPaths.Read(s.Root, string.Join('/', Enumerable.Repeat(new string('a', 200), 30))))),
        ["component_longer_than_name_max_is_refused"] = new(
            s => new RawTar().Pax(("path", new string('a', 300))).File("x", "x").Build(), Outcome.Refused),
        ["pax_name_with_nul_is_refused"] = new(
            s => new RawTar().Pax(("path", "a\0/../../../outside.txt")).File("x", "x").Build(), Outcome.Refused),
        ["gnu_long_name_escape_is_refused"] = new(
            s => new RawTar().GnuLong('L', "../../outside.txt").File("harmless", "pwned").Build(), Outcome.Refused),
        ["gnu_long_link_escape_is_refused"] = new(
            s => new RawTar().GnuLong('K', "../outside.txt").HardLink("h", "harmless").Build(), Outcome.Refused),
        ["pax_path_override_escape_is_refused"] = new(
            s => new RawTar().Pax(("path", "../outside.txt")).File("harmless", "pwned").Build(), Outcome.Refused),
        ["pax_global_path_escape_is_refused"] = new(
            s => new RawTar().Pax([("path", Encoding.UTF8.GetBytes("../outside.txt"))], 'g').File("harmless", "pwned").Build(), Outcome.Refused),
        ["whiteout_of_dotdot_is_refused"] = new(s => new RawTar().File(".wh..", "").Build(), Outcome.Refused),
        ["whiteout_above_root_is_refused"] = new(s => new RawTar().File("../.wh.outside.txt", "").Build(), Outcome.Refused),
        ["whiteout_through_symlink_to_outside"] = new(
            s => new RawTar().Symlink("l", s.Path).File("l/.wh.outside.txt", "").Build(), Outcome.Contained),
        ["opaque_whiteout_at_root_only_clears_root"] = new(
            s => new RawTar().File(".wh..wh..opq", "").File("new", "n").Build(),
            Outcome.Contained,
            (s, _) =>
            {
                Assert.Equal(["new"], Directory.GetFileSystemEntries(s.Root).Select(Path.GetFileName));
            }),
        ["opaque_whiteout_through_symlink_to_outside"] = new(
            s => new RawTar().Symlink("l", s.Path).File("l/.wh..wh..opq", "").Build(), Outcome.Contained),
        ["file_entry_replacing_root_is_refused"] = new(s => new RawTar().File("./", "x").Build(), Outcome.Refused),
        ["symlink_entry_replacing_root_is_refused"] = new(s => new RawTar().Symlink("/", s.Path).Build(), Outcome.Refused),
        ["duplicate_entries_last_one_wins"] = new(
            s => new RawTar().File("f", "first").File("f", "second").Dir("d").Dir("d").Build(),
            Outcome.Contained,
            (s, _) => Assert.Equal("second", File.ReadAllText(Path.Join(s.Root, "f")))),
        ["huge_size_with_short_data_is_truncation"] = new(
            s => new RawTar().Entry("f", '0', Encoding.UTF8.GetBytes("short"), size: 1L << 40).Build(endMarker: false), Outcome.Refused),
        ["negative_base256_size_is_refused"] = new(
            s => new RawTar().Entry("f", '0', mutate: h =>
            {
                h.AsSpan(124, 12).Fill(0xff);
            }).Build(),
            Outcome.Refused),
        ["bad_checksum_is_refused"] = new(s => new RawTar().Entry("f", '0', [1, 2, 3], checksum: false).Build(), Outcome.Refused),
        ["garbage_in_size_field_is_refused"] = new(
            s => new RawTar().Entry("f", '0', mutate: h => Encoding.ASCII.GetBytes("99999999999\0").CopyTo(h, 124)).Build(), Outcome.Refused),
        ["archive_without_end_marker_is_truncated"] = new(s => new RawTar().File("f", "x").Build(endMarker: false), Outcome.Refused),
        ["pax_header_claiming_gigabytes_is_refused"] = new(
            s => new RawTar().Entry("PaxHeaders.0/x", 'x', size: 1L << 33).Build(), Outcome.Refused),
        ["sparse_map_beyond_file_size_is_refused"] = new(
            s => new RawTar().Pax(("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0"), ("GNU.sparse.name", "s"), ("GNU.sparse.realsize", "10"))
                .Entry("GNUSparseFile.0/s", '0', [.. Encoding.ASCII.GetBytes("1\n100\n5\n"), .. new byte[504], .. "hello"u8]).Build(),
            Outcome.Refused),
        ["unknown_entry_type_is_refused"] = new(s => new RawTar().Entry("f", 'Z').Build(), Outcome.Refused),
        ["gzip_bomb_over_the_limit_is_refused"] = new(
            s => Gzip(new RawTar().Entry("zeros", '0', new byte[64 << 20]).Build()),
            Outcome.Refused,
            Options: new ExtractOptions { MaxUncompressedBytes = 1 << 20 }),
        ["bzip2_layer_is_refused_clearly"] = new(s => "BZh91AY&SY"u8.ToArray(), Outcome.Refused),
    };

    public enum Outcome
    {
        Refused,
        Contained,
    }

    public static TheoryData<string> Cases => [.. Corpus.Keys];

    [Fact]
    public void Corpus_has_at_least_twenty_archives() => Assert.True(Corpus.Count >= 20, $"{Corpus.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_archive_is_refused_or_contained(string name)
    {
        var test = Corpus[name];
        using var sandbox = new Sandbox();
        File.WriteAllText(Path.Join(sandbox.Root, "lower.txt"), "from a lower layer");
        var before = sandbox.Outside();
        var archive = test.Build(sandbox);

        ExtractResult? result = null;
        Exception? error = null;
        try
        {
            result = await LayerExtractor.ExtractAsync(new MemoryStream(archive), sandbox.Root, test.Options ?? ExtractOptions.Default, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or NotSupportedException)
        {
            error = e;
        }

        Assert.Equal(before, sandbox.Outside());
        Assert.True(Directory.Exists(sandbox.Root));
        if (test.Expected == Outcome.Refused)
        {
            Assert.NotNull(error);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
        else
        {
            Assert.Null(error);
            test.Check?.Invoke(sandbox, result);
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private sealed record HostileCase(
        Func<Sandbox, byte[]> Build, Outcome Expected, Action<Sandbox, ExtractResult?>? Check = null, ExtractOptions? Options = null);
}
