using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Kiln.Content.Tar;
using DotnetTarReader = System.Formats.Tar.TarReader;
using PosixTarEntry = System.Formats.Tar.PosixTarEntry;
using Kiln.Content.Tests.Support;

namespace Kiln.Content.Tests.Tar;

public sealed class DeterministicTarWriterTests
{
    private static readonly DateTimeOffset Time = DateTimeOffset.FromUnixTimeSeconds(TestTree.FixedTime);

    /// <summary>A fixed list of entries covering every header form; its bytes are pinned below.</summary>
    private static IEnumerable<(TarEntry Entry, byte[]? Content)> GoldenEntries()
    {
        yield return (Entry(TarEntryKind.Directory, "bin", 0x1ED), null);
        yield return (Entry(TarEntryKind.RegularFile, "bin/sh", 0x9ED) with { Size = 6 }, "#!sh\n\n"u8.ToArray());
        yield return (Entry(TarEntryKind.SymbolicLink, "bin/busybox", 0x1FF) with { LinkName = TarEntry.Bytes("sh") }, null);
        yield return (Entry(TarEntryKind.HardLink, "bin/ash", 0x9ED) with { LinkName = TarEntry.Bytes("bin/sh") }, null);
        yield return (Entry(TarEntryKind.CharacterDevice, "dev/null", 0x1B6) with { DeviceMajor = 1, DeviceMinor = 3 }, null);
        yield return (Entry(TarEntryKind.BlockDevice, "dev/loop0", 0x1B0) with { DeviceMajor = 7 }, null);
        yield return (Entry(TarEntryKind.Fifo, "run/fifo", 0x1A4), null);
        yield return (Entry(TarEntryKind.Directory, "tmp", 0x3FF), null);
        yield return (Entry(TarEntryKind.RegularFile, "deep/" + new string('a', 60) + "/" + new string('b', 70), 0x1A4), null);
        yield return (Entry(TarEntryKind.RegularFile, "long/" + new string('c', 200) + "/" + new string('d', 120), 0x1A4) with { Size = 1 }, "x"u8.ToArray());
        yield return (Entry(TarEntryKind.RegularFile, "ünïcødé", 0x1A4) with { Uid = 3_000_000, Gid = 3_000_001 }, null);
        yield return (Entry(TarEntryKind.RegularFile, "ping", 0x1ED) with
        {
            Xattrs =
            [
                new TarXattr("user.z", [0, 0xFF, (byte)'\n', (byte)'=']),
                new TarXattr("security.capability", [.. Convert.FromHexString("0100000200200000000000000000000000000000")]),
            ],
        }, null);
    }

    [Fact]
    public async Task Golden_entries_give_pinned_bytes()
    {
        // Pinned: a change here changes every layer digest Kiln produces. KILN_UPDATE_GOLDEN=1 rewrites the file;
        // review it with `tar -tvvf --xattrs` before committing.
        var bytes = await WriteGoldenAsync();
        var path = GoldenPath("golden.tar");
        if (Environment.GetEnvironmentVariable("KILN_UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllBytesAsync(path, bytes);
        }

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path))), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal("sha256:" + GoldenDigest, Kiln.Oci.Digest.Sha256Of(bytes).ToString());
    }

    private const string GoldenDigest = "8546e07d3887fda898d7291f841917bcc6904d5fda9802e1c372e59626c0fc34";

    [Fact]
    public async Task Golden_entries_read_back_through_dotnet_tar_reader()
    {
        // .NET's TarReader decodes PAX records as text and refuses binary xattr values: those are checked with
        // GNU tar and in the round-trip tests instead.
        var expected = GoldenEntries().Where(e => e.Entry.Xattrs.IsEmpty).ToList();
        var stream = new MemoryStream();
        using (var writer = new DeterministicTarWriter(stream))
        {
            foreach (var (entry, content) in expected)
            {
                await writer.WriteEntryAsync(entry, content is null ? null : new MemoryStream(content), CancellationToken.None);
            }

            await writer.FinishAsync(CancellationToken.None);
        }

        using var reader = new DotnetTarReader(new MemoryStream(stream.ToArray()));
        foreach (var (entry, _) in expected)
        {
            var read = reader.GetNextEntry();
            Assert.NotNull(read);
            var name = Encoding.UTF8.GetString(entry.Name.AsSpan()) + (entry.Kind == TarEntryKind.Directory ? "/" : string.Empty);
            Assert.Equal(name, read.Name);
            Assert.Equal((int)entry.Mode, (int)read.Mode);
            Assert.Equal(entry.Uid, read.Uid);
            Assert.Equal(entry.Gid, read.Gid);
            Assert.Equal(entry.Size, read.Length);
            Assert.Equal(Time, read.ModificationTime);
            Assert.Equal((byte)entry.Kind, (byte)read.EntryType);
            Assert.Equal(Encoding.UTF8.GetString(entry.LinkName.AsSpan()), read.LinkName);
            Assert.Equal(string.Empty, ((PosixTarEntry)read).UserName);
            if (entry.Kind is TarEntryKind.CharacterDevice or TarEntryKind.BlockDevice)
            {
                Assert.Equal(entry.DeviceMajor, ((PosixTarEntry)read).DeviceMajor);
                Assert.Equal(entry.DeviceMinor, ((PosixTarEntry)read).DeviceMinor);
            }
        }

        Assert.Null(reader.GetNextEntry());
    }

    [Fact]
    public async Task Golden_entries_list_with_gnu_tar()
    {
        Prerequisites.RequireTool("tar");

        using var temp = new TempDirectory();
        var path = temp.Combine("golden.tar");
        await File.WriteAllBytesAsync(path, await WriteGoldenAsync());
        var listing = Tool.RunBytes("tar", ["--numeric-owner", "--xattrs", "-tvf", path], environment: new Dictionary<string, string> { ["TZ"] = "UTC" }).Output;
        var expectedPath = GoldenPath("golden.tar.txt");
        if (Environment.GetEnvironmentVariable("KILN_UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(expectedPath, listing);
        }

        Assert.Equal(await File.ReadAllTextAsync(expectedPath), listing);
    }

    [Fact]
    public async Task Pax_header_names_are_fixed_and_records_sorted_and_length_prefixed()
    {
        var bytes = await WriteAsync(
            Entry(TarEntryKind.RegularFile, "dir/" + new string('n', 120), 0x1A4) with
            {
                Uid = 5_000_000,
                Xattrs = [new TarXattr("user.b", [1, 0, 2]), new TarXattr("user.a", [(byte)'\n'])],
            });
        Assert.Equal("dir/PaxHeaders.0/" + new string('n', 83), Encoding.ASCII.GetString(bytes, 0, 100));
        Assert.Equal((byte)'x', bytes[156]);
        var size = Convert.ToInt32(Encoding.ASCII.GetString(bytes, 124, 11), 8);
        var records = bytes.AsSpan(512, size).ToArray();
        var expected = Encoding.UTF8.GetBytes($"25 SCHILY.xattr.user.a=\n\n27 SCHILY.xattr.user.b=\u0001\0\u0002\n134 path=dir/{new string('n', 120)}\n15 uid=5000000\n");
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(records));
        Assert.Equal(expected, records);

        // The ustar uid field holds 0 when the id lives in a PAX record.
        Assert.Equal("0000000\0", Encoding.ASCII.GetString(bytes, 1024 + 108, 8));
    }

    [Fact]
    public async Task Pax_record_length_counts_its_own_digits()
    {
        // A record whose body is 95 bytes needs "98 " (total 98) but one of 98 bytes needs "102 " (total 102)
        // — exactly where the digit count grows.
        foreach (var valueLength in Enumerable.Range(70, 40))
        {
            var bytes = await WriteAsync(Entry(TarEntryKind.RegularFile, "f", 0x1A4) with { Xattrs = [new TarXattr("user.v", [.. new byte[valueLength]])] });
            var size = Convert.ToInt32(Encoding.ASCII.GetString(bytes, 124, 11), 8);
            var record = bytes.AsSpan(512, size);
            var space = record.IndexOf((byte)' ');
            Assert.Equal(size, int.Parse(Encoding.ASCII.GetString(record[..space]), System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Ustar_header_has_numeric_owners_empty_names_and_a_valid_checksum()
    {
        var bytes = await WriteAsync(Entry(TarEntryKind.RegularFile, "file", 0x1A4) with { Uid = 1000, Gid = 1001 });
        Assert.Equal(512 + 1024, bytes.Length);
        Assert.Equal("0000644\0", Encoding.ASCII.GetString(bytes, 100, 8));
        Assert.Equal("0001750\0", Encoding.ASCII.GetString(bytes, 108, 8));
        Assert.Equal("0001751\0", Encoding.ASCII.GetString(bytes, 116, 8));
        Assert.Equal("ustar\000", Encoding.ASCII.GetString(bytes, 257, 8));
        Assert.All(bytes.AsSpan(265, 64).ToArray(), b => Assert.Equal(0, b));
        var sum = bytes.Take(512).Select((b, i) => i is >= 148 and < 156 ? (int)' ' : b).Sum();
        Assert.Equal(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", Encoding.ASCII.GetString(bytes, 148, 8));
        Assert.All(bytes.AsSpan(512).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Modification_times_are_clamped_to_source_date_epoch_and_whole_seconds()
    {
        var epoch = DateTimeOffset.FromUnixTimeSeconds(1_600_000_000);
        var later = Entry(TarEntryKind.RegularFile, "later", 0x1A4) with { ModificationTime = epoch.AddDays(3).AddMilliseconds(700) };
        var earlier = Entry(TarEntryKind.RegularFile, "earlier", 0x1A4) with { ModificationTime = epoch.AddDays(-3).AddMilliseconds(700) };
        var stream = new MemoryStream();
        using (var writer = new DeterministicTarWriter(stream, epoch))
        {
            await writer.WriteEntryAsync(later, null, CancellationToken.None);
            await writer.WriteEntryAsync(earlier, null, CancellationToken.None);
            await writer.FinishAsync(CancellationToken.None);
        }

        stream.Position = 0;
        using var reader = new DotnetTarReader(stream);
        Assert.Equal(epoch, reader.GetNextEntry()!.ModificationTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(epoch.ToUnixTimeSeconds() - (3 * 86400)), reader.GetNextEntry()!.ModificationTime);
        Assert.Equal(Convert.ToString(epoch.ToUnixTimeSeconds(), 8).PadLeft(11, '0') + "\0", Encoding.ASCII.GetString(stream.ToArray(), 136, 12));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../etc")]
    [InlineData("./a")]
    [InlineData("a//b")]
    [InlineData("a/.")]
    [InlineData("")]
    [InlineData("a\0b")]
    public async Task Unsafe_names_are_refused(string name)
    {
        var stream = new MemoryStream();
        using var writer = new DeterministicTarWriter(stream);
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteEntryAsync(Entry(TarEntryKind.RegularFile, name, 0x1A4), null, CancellationToken.None));
        Assert.Equal(0, writer.Length);
    }

    [Fact]
    public async Task Inconsistent_entries_are_refused()
    {
        var stream = new MemoryStream();
        using var writer = new DeterministicTarWriter(stream);
        TarEntry[] bad =
        [
            Entry(TarEntryKind.Directory, "d", 0x1ED) with { Size = 1 },
            Entry(TarEntryKind.RegularFile, "f", 0x1A4) with { LinkName = TarEntry.Bytes("x") },
            Entry(TarEntryKind.SymbolicLink, "l", 0x1FF),
            Entry(TarEntryKind.RegularFile, "f", 0x81A4),
            Entry(TarEntryKind.RegularFile, "f", 0x1A4) with { Uid = -1 },
            Entry(TarEntryKind.RegularFile, "f", 0x1A4) with { Xattrs = [new TarXattr("user.a=b", [1])] },
            Entry(TarEntryKind.RegularFile, "f", 0x1A4) with { Xattrs = [new TarXattr("user.a", [1]), new TarXattr("user.a", [2])] },
            Entry(TarEntryKind.CharacterDevice, "c", 0x1A4) with { DeviceMajor = 3_000_000 },
            Entry(TarEntryKind.RegularFile, "f", 0x1A4) with { Size = 10 },
            Entry((TarEntryKind)'7', "f", 0x1A4),
        ];
        foreach (var entry in bad)
        {
            await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteEntryAsync(entry, null, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Content_shorter_or_longer_than_the_size_is_an_error()
    {
        var entry = Entry(TarEntryKind.RegularFile, "f", 0x1A4) with { Size = 4 };
        using (var writer = new DeterministicTarWriter(new MemoryStream()))
        {
            var error = await Assert.ThrowsAsync<IOException>(async () => await writer.WriteEntryAsync(entry, new MemoryStream([1, 2, 3]), CancellationToken.None));
            Assert.Contains("3 of 4 bytes", error.Message, StringComparison.Ordinal);
        }

        using (var writer = new DeterministicTarWriter(new MemoryStream()))
        {
            var error = await Assert.ThrowsAsync<IOException>(async () => await writer.WriteEntryAsync(entry, new MemoryStream([1, 2, 3, 4, 5]), CancellationToken.None));
            Assert.Contains("longer than its 4 bytes", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sizes_beyond_eight_gibibytes_go_to_pax()
    {
        // Content is never buffered whole, so a 9 GiB zero stream costs only time; the header is what matters.
        const long size = (9L * 1024 * 1024 * 1024) + 1;
        var sink = new HeadStream(4096);
        using (var writer = new DeterministicTarWriter(sink))
        {
            await writer.WriteEntryAsync(Entry(TarEntryKind.RegularFile, "huge", 0x1A4) with { Size = size }, new ZeroStream(size), CancellationToken.None);
            await writer.FinishAsync(CancellationToken.None);
            Assert.Equal(512 + 512 + 512 + size + 511 + 1024, writer.Length); // PAX header, records, ustar header
        }

        var head = sink.Head.ToArray();
        var paxSize = Convert.ToInt32(Encoding.ASCII.GetString(head, 124, 11), 8);
        Assert.Contains("size=9663676417\n", Encoding.ASCII.GetString(head, 512, paxSize), StringComparison.Ordinal);
        Assert.Equal("00000000000\0", Encoding.ASCII.GetString(head, 1024 + 124, 12));
    }

    [Fact]
    public async Task Names_that_are_not_utf8_are_written_byte_for_byte_as_buildkit_writes_them()
    {
        // Golden/buildkit-non-utf8-names.tar: the entries of a layer Docker 26 (BuildKit 0.13) made for
        // `COPY . /d/` of a context with Latin-1 and other non-UTF-8 names (a file, a directory, a file in it, a hard
        // link, a symlink), cut down to those entries. Read by Kiln and written again, every byte must be the same:
        // raw PAX path and linkpath records, the ASCII-only ustar fields, Go's PaxHeaders.0 names (for a directory
        // "d/d\xE9/" that is "d/d/PaxHeaders.0") and Go's extended header fields.
        var golden = await File.ReadAllBytesAsync(GoldenPath("buildkit-non-utf8-names.tar"));
        var output = new MemoryStream();
        await using (var reader = new Kiln.Content.Tar.TarReader(new MemoryStream(golden)))
        using (var writer = new DeterministicTarWriter(output))
        {
            while (await reader.GetNextEntryAsync(CancellationToken.None) is { } entry)
            {
                await writer.WriteEntryAsync(entry, entry.Size > 0 ? reader.OpenData() : null, CancellationToken.None);
            }

            await writer.FinishAsync(CancellationToken.None);
        }

        Assert.True(golden.AsSpan().SequenceEqual(output.ToArray()), FirstDifference(golden, output.ToArray()));
    }

    /// <summary>The block where two archives first differ, both sides shown with non-printable bytes as \xNN.</summary>
    private static string FirstDifference(byte[] expected, byte[] actual)
    {
        var at = expected.AsSpan().CommonPrefixLength(actual);
        var block = at / 512 * 512;
        string Show(byte[] bytes) => bytes.Length <= block ? "(end)" : RawFiles.Show(bytes.AsSpan(block, Math.Min(512, bytes.Length - block)));
        return $"first difference at byte {at} (block at {block}, offset {at - block} in it)\nexpected: {Show(expected)}\nactual:   {Show(actual)}";
    }

    private static string GoldenPath(string name, [System.Runtime.CompilerServices.CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Golden", name);

    private static TarEntry Entry(TarEntryKind kind, string name, int mode) => new()
    {
        Kind = kind,
        Name = TarEntry.Bytes(name),
        Mode = mode,
        ModificationTime = Time,
    };

    private static async Task<byte[]> WriteAsync(params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        using var writer = new DeterministicTarWriter(stream);
        foreach (var entry in entries)
        {
            await writer.WriteEntryAsync(entry, null, CancellationToken.None);
        }

        await writer.FinishAsync(CancellationToken.None);
        return stream.ToArray();
    }

    private static async Task<byte[]> WriteGoldenAsync()
    {
        var stream = new MemoryStream();
        using var writer = new DeterministicTarWriter(stream);
        foreach (var (entry, content) in GoldenEntries())
        {
            await writer.WriteEntryAsync(entry, content is null ? null : new MemoryStream(content), CancellationToken.None);
        }

        await writer.FinishAsync(CancellationToken.None);
        return stream.ToArray();
    }

    /// <summary>Keeps the first bytes written and counts the rest.</summary>
    private sealed class HeadStream(int keep) : Stream
    {
        public MemoryStream Head { get; } = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            var take = (int)Math.Max(0, Math.Min(count, keep - Head.Length));
            Head.Write(buffer, offset, take);
        }
    }

    private sealed class ZeroStream(long length) : Stream
    {
        private long _remaining = length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _remaining);
            Array.Clear(buffer, offset, n);
            _remaining -= n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
