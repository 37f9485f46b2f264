using System.Text;
using Kiln.Content.Compression;
using Kiln.Content.Tar;
using Kiln.Content.Tests.Support;

namespace Kiln.Content.Tests.Layers;

/// <summary>Our reader against archives GNU tar writes, in each of its formats.</summary>
public sealed class TarReaderTests : IDisposable
{
    private static readonly DateTimeOffset FixedTime = DateTimeOffset.FromUnixTimeSeconds(1_500_000_000);
    private static readonly string LongDirectory = string.Join('/', Enumerable.Range(0, 4).Select(i => new string((char)('a' + i), 60)));
    private static readonly string LongFile = LongDirectory + "/" + new string('f', 150) + ".txt";

    private readonly TempDirectory _temp = new("kiln-tarreader-");

    public TarReaderTests()
    {
        var src = Path.Join(Work, "src");
        Directory.CreateDirectory(src);
        Write("hello.txt", "hello, world\n");
        Write("héllo-ünïcode.txt", "unicode");
        Write("empty.txt", string.Empty);
        Write("setuid", "#!/bin/sh\n");
        Directory.CreateDirectory(Path.Join(src, "empty-dir"));
        File.CreateSymbolicLink(Path.Join(src, "link"), "hello.txt");
        Tool.RunIn(src, "ln", "hello.txt", "hard");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Join(src, "setuid"), (UnixFileMode)0x9ED /* 04755 */);
        }

        Tool.RunIn(src, "touch", "-h", "-d", "@1500000000", "hello.txt", "link", "empty-dir");
    }

    public static TheoryData<string> Formats => ["gnu", "pax"];

    public static TheoryData<string[]> SparseFormats =>
    [
        ["--format=gnu"],
        ["--format=pax", "--sparse-version=0.0"],
        ["--format=pax", "--sparse-version=0.1"],
        ["--format=pax", "--sparse-version=1.0"],
    ];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Reads_what_GNU_tar_writes(string format)
    {
        Write(LongFile, "deep");

        var entries = await ReadAllAsync(Tar($"--format={format}", "--owner=kiln:3000000", "--group=kiln:3000001", "."));

        // Sorted by name, "./hard" comes first and carries the data; "./hello.txt" is the hardlink to it.
        var hard = entries["./hard"];
        Assert.Equal(TarEntryKind.RegularFile, hard.Entry.Kind);
        Assert.Equal("hello, world\n", hard.Content);
        Assert.Equal(FixedTime, hard.Entry.ModificationTime);
        Assert.Equal(3000000, hard.Entry.Uid); // needs base-256 (gnu) or a PAX record (pax); ustar cannot
        Assert.Equal(3000001, hard.Entry.Gid);
        Assert.Equal(TarEntryKind.HardLink, entries["./hello.txt"].Entry.Kind);
        Assert.Equal("./hard", entries["./hello.txt"].Entry.LinkNameText);
        Assert.Equal("unicode", entries["./héllo-ünïcode.txt"].Content);
        Assert.Equal(string.Empty, entries["./empty.txt"].Content);
        Assert.Equal(0x9ED, entries["./setuid"].Entry.Mode);
        Assert.Equal(TarEntryKind.Directory, entries["./empty-dir/"].Entry.Kind);
        Assert.Equal("hello.txt", entries["./link"].Entry.LinkNameText);
        Assert.Equal(TarEntryKind.SymbolicLink, entries["./link"].Entry.Kind);
        Assert.Equal("deep", entries["./" + LongFile].Content);
    }

    [Fact]
    public async Task Ustar_with_octal_ids_reads_too()
    {
        var entries = await ReadAllAsync(Tar("--format=ustar", "--owner=kiln:1000", "--group=kiln:1001", "."));
        Assert.Equal(1000, entries["./hard"].Entry.Uid);
        Assert.Equal("kiln", entries["./hard"].Entry.UserName);
    }

    [Theory]
    [MemberData(nameof(SparseFormats))]
    public async Task Reads_GNU_sparse_files(string[] format)
    {
        var path = Path.Join(Work, "src", "sparse.bin");
        await using (var file = new FileStream(path, FileMode.Create))
        {
            file.Write(Enumerable.Repeat((byte)'A', 4096).ToArray());
            file.Position = 5 << 20;
            file.Write(Enumerable.Repeat((byte)'B', 10000).ToArray());
            file.SetLength(8 << 20);
        }

        var entries = await ReadAllAsync(Tar([.. format, "--sparse", "./sparse.bin"]));
        var sparse = entries["./sparse.bin"];
        Assert.True(sparse.Entry.IsSparse);
        Assert.Equal(8 << 20, sparse.Entry.Size);
        Assert.True(sparse.Entry.StoredSize < 1 << 20);
        Assert.Equal(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(path)), sparse.Content);
    }

    [Fact]
    public async Task Reads_binary_xattr_values_byte_for_byte()
    {
        var path = Path.Join(Work, "src", "empty.txt");
        byte[] value = [0, 1, 2, 0xff, (byte)'\n', 0x80, (byte)'=', 0];
        Xattr.Set(path, "user.kiln.binary", value);

        var entries = await ReadAllAsync(Tar("--format=pax", "--xattrs", "--xattrs-include=*", "./empty.txt", "./hello.txt"));

        var xattr = Assert.Single(entries["./empty.txt"].Entry.Xattrs, x => x.Name == "user.kiln.binary");
        Assert.Equal(value, xattr.Value.ToArray());
    }

    [Theory]
    [InlineData("--gzip", LayerCompression.Gzip)]
    [InlineData("--zstd", LayerCompression.Zstd)]
    [InlineData("--no-auto-compress", LayerCompression.None)]
    public async Task Detects_compression_by_content(string flag, LayerCompression expected)
    {
        var archive = Tar(flag, "./hello.txt");
        Assert.Equal(expected, LayerDecompression.Detect(archive));
        await using var tar = await LayerDecompression.OpenAsync(new MemoryStream(archive), leaveOpen: false, CancellationToken.None);
        var entries = await ReadAllAsync(tar);
        Assert.Equal("hello, world\n", entries["./hello.txt"].Content);
    }

    [Fact]
    public async Task Refuses_xz_and_bzip2_clearly()
    {
        var error = await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await LayerDecompression.OpenAsync(new MemoryStream(Tar("--xz", "./hello.txt")), leaveOpen: false, CancellationToken.None));
        Assert.Contains("xz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_archive_is_a_clear_error()
    {
        Write("big.bin", new string('x', 100_000));
        var archive = Tar("--format=pax", "./big.bin");
        var error = await Assert.ThrowsAsync<TarFormatException>(() => ReadAllAsync(archive.AsSpan(0, 50_000).ToArray()));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Global_pax_records_apply_to_later_entries()
    {
        var archive = new RawTar().Pax([("mtime", "1234567890.5"u8.ToArray()), ("uid", "77"u8.ToArray())], 'g')
            .File("a", "a").Pax(("uid", "")).File("b", "b").Build();
        var entries = await ReadAllAsync(archive);
        Assert.Equal(77, entries["a"].Entry.Uid);
        Assert.Equal(0, entries["b"].Entry.Uid); // an empty local value deletes the global one
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1234567890500), entries["b"].Entry.ModificationTime);
    }

    private string Work => _temp.Path;

    public void Dispose() => _temp.Dispose();

    private static async Task<Dictionary<string, (TarEntry Entry, string Content)>> ReadAllAsync(byte[] archive) =>
        await ReadAllAsync(new MemoryStream(archive));

    private static async Task<Dictionary<string, (TarEntry Entry, string Content)>> ReadAllAsync(Stream archive)
    {
        var result = new Dictionary<string, (TarEntry, string)>(StringComparer.Ordinal);
        await using var reader = new TarReader(archive, leaveOpen: true);
        while (await reader.GetNextEntryAsync(CancellationToken.None) is { } entry)
        {
            using var content = new MemoryStream();
            await reader.OpenData().CopyToAsync(content);
            result[entry.NameText] = (entry, Encoding.Latin1.GetString(content.ToArray()));
        }

        return result;
    }

    private byte[] Tar(params string[] arguments)
    {
        var output = Path.Join(Work, "out.tar");
        File.Delete(output);
        Tool.RunIn(Path.Join(Work, "src"), "tar", ["-cf", output, "--sort=name", .. arguments]);
        return File.ReadAllBytes(output);
    }

    private void Write(string relative, string content)
    {
        var path = Path.Join(Work, "src", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, FixedTime.UtcDateTime);
    }
}
