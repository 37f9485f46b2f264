using System.Collections.Immutable;
using Kiln.Content.Layers;
using Kiln.Content.Tar;
using Kiln.Content.Tests.Support;

namespace Kiln.Content.Tests.Layers;

/// <summary>
/// Names are bytes on Linux: a layer that holds a name that is not UTF-8 (Latin-1 "caf\xE9") is read, extracted and
/// written back with exactly those bytes.
/// </summary>
public sealed class NonUtf8NameTests : IDisposable
{
    private static readonly byte[] Cafe = [(byte)'c', (byte)'a', (byte)'f', 0xE9];
    private static readonly byte[] Dir = [(byte)'d', 0xFF, 0xFE];
    private readonly TempDirectory _temp = new("kiln-names-");

    private byte[] Root => RawFiles.Bytes(_temp.Path);

    [Fact]
    public async Task Reader_gives_the_exact_bytes_of_pax_and_ustar_names()
    {
        var tar = await LayerAsync(
            (File(Cafe, "x"), "x"u8.ToArray()),
            (new TarEntry { Kind = TarEntryKind.SymbolicLink, Name = Name([.. Cafe, .. ".l"u8]), LinkName = Name(Cafe), Mode = 0x1FF }, null));

        // GNU tar, as a user's ADD archive would be made, puts the raw bytes in the ustar name field.
        var gnu = Path.Join(_temp.Path, "gnu");
        Directory.CreateDirectory(gnu);
        RawFiles.WriteFile(RawFiles.Join(RawFiles.Bytes(gnu), Cafe), "g"u8.ToArray());
        var gnuTar = Tools.RunBytes("tar", ["--format=gnu", "-C", gnu, "-cf", "-", "."]);

        var names = new List<byte[]>();
        foreach (var bytes in new[] { tar, gnuTar })
        {
            await using var reader = new TarReader(new MemoryStream(bytes));
            while (await reader.GetNextEntryAsync(CancellationToken.None) is { } entry)
            {
                names.Add([.. entry.Name]);
                if (entry.Kind == TarEntryKind.SymbolicLink)
                {
                    Assert.Equal(Cafe, entry.LinkName.ToArray());
                }
            }
        }

        Assert.Contains(names, n => n.AsSpan().SequenceEqual(Cafe));
        Assert.Contains(names, n => n.AsSpan().SequenceEqual([.. Cafe, .. ".l"u8]));
        Assert.Contains(names, n => n.AsSpan().SequenceEqual([.. "./"u8, .. Cafe]));
    }

    [Fact]
    public async Task Extraction_makes_the_exact_names_and_links_and_whiteouts_remove_them()
    {
        var tar = await LayerAsync(
            (new TarEntry { Kind = TarEntryKind.Directory, Name = Name(Dir), Mode = 0x1ED }, null),
            (File([.. Dir, (byte)'/', .. Cafe], "content"), "content"u8.ToArray()),
            (new TarEntry { Kind = TarEntryKind.HardLink, Name = Name([.. Dir, .. "/h"u8, 0x80]), LinkName = Name([.. Dir, (byte)'/', .. Cafe]) }, null),
            (new TarEntry { Kind = TarEntryKind.SymbolicLink, Name = Name(Cafe), LinkName = Name([.. Dir, (byte)'/', .. Cafe]), Mode = 0x1FF }, null),
            (File([0xE9], "gone"), "gone"u8.ToArray()));
        await ExtractAsync(tar);

        Assert.Equal(
            [
                RawFiles.Show(Cafe) + " l 0777 -> " + RawFiles.Show([.. Dir, (byte)'/', .. Cafe]),
                RawFiles.Show(Dir) + " d 0755",
                RawFiles.Show([.. Dir, (byte)'/', .. Cafe]) + " f 0644 size=7",
                RawFiles.Show([.. Dir, .. "/h"u8, 0x80]) + " f 0644 size=7",
                RawFiles.Show([0xE9]) + " f 0644 size=4",
            ],
            Short(RawFiles.Snapshot(Root)));
        Assert.Equal(2u, RawFiles.Lstat(RawFiles.Join(Root, [.. Dir, (byte)'/', .. Cafe])).Links);

        // A later layer's whiteout of such a name, and an opaque directory, remove exactly those files.
        await ExtractAsync(await LayerAsync(
            (File([.. ".wh."u8, 0xE9], string.Empty), null),
            (new TarEntry { Kind = TarEntryKind.Directory, Name = Name(Dir), Mode = 0x1ED }, null),
            (File([.. Dir, .. "/.wh..wh..opq"u8], string.Empty), null)));
        Assert.Equal([RawFiles.Show(Cafe) + " l 0777 -> " + RawFiles.Show([.. Dir, (byte)'/', .. Cafe]), RawFiles.Show(Dir) + " d 0755"], Short(RawFiles.Snapshot(Root)));
    }

    [Fact]
    public async Task An_xattr_with_an_empty_value_is_read_back_and_extracted()
    {
        // Found by the file preservation property test: the record "SCHILY.xattr.user.e=" was taken for PAX's
        // "delete this keyword", and the attribute was lost. For an xattr it can only mean the empty value.
        var tar = await LayerAsync((File(Cafe, string.Empty) with { Xattrs = [new TarXattr("user.e", []), new TarXattr("user.f", [1])] }, null));
        await using (var reader = new TarReader(new MemoryStream(tar)))
        {
            var entry = await reader.GetNextEntryAsync(CancellationToken.None);
            Assert.Equal(["user.e=", "user.f=01"], entry!.Xattrs.Select(x => x.Name + "=" + Convert.ToHexString(x.Value.AsSpan())));
        }

        await ExtractAsync(tar);
        Assert.Equal([("user.e", ""), ("user.f", "01")], RawFiles.Xattrs(RawFiles.Join(Root, Cafe)).Select(x => (x.Name, Convert.ToHexString(x.Value))));
    }

    public void Dispose() => RawFiles.RemoveAll(Root);

    private static ImmutableArray<byte> Name(byte[] bytes) => [.. bytes];

    private static TarEntry File(byte[] name, string content) =>
        new() { Kind = TarEntryKind.RegularFile, Name = [.. name], Mode = 0x1A4, Size = content.Length };

    /// <summary>Path, type, mode and size or link target: what these tests check.</summary>
    private static List<string> Short(List<string> snapshot) =>
        [.. snapshot.Select(line => string.Join(' ', line.Split(' ').Where(part => !part.StartsWith("t=", StringComparison.Ordinal) && !part.StartsWith("sha=", StringComparison.Ordinal) && !part.StartsWith("link=", StringComparison.Ordinal) && !part.Contains(':', StringComparison.Ordinal))))];

    private static async Task<byte[]> LayerAsync(params (TarEntry Entry, byte[]? Content)[] entries)
    {
        var output = new MemoryStream();
        using (var writer = new DeterministicTarWriter(output))
        {
            foreach (var (entry, content) in entries)
            {
                await writer.WriteEntryAsync(entry, content is null ? null : new MemoryStream(content), CancellationToken.None);
            }

            await writer.FinishAsync(CancellationToken.None);
        }

        return output.ToArray();
    }

    private async Task ExtractAsync(byte[] layer) =>
        await LayerExtractor.ExtractAsync(new MemoryStream(layer), _temp.Path, ExtractOptions.Default, CancellationToken.None);
}
