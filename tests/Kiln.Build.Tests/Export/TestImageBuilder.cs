using System.Collections.Immutable;
using System.Text;
using Kiln.Build.Config;
using Kiln.Content.Compression;
using Kiln.Content.Store;
using Kiln.Content.Tar;
using Kiln.Oci;

namespace Kiln.Build.Tests.Export;

/// <summary>
/// A two-layer image in a content store: layer 1 has <c>etc/hello</c>, <c>bin/tool</c> (0755) and a symlink;
/// layer 2 deletes <c>etc/hello</c> with a whiteout and adds <c>data/x</c>. The layers are plain tar, as a build
/// stores them.
/// </summary>
internal static class TestImageBuilder
{
    public static async Task<Descriptor> CreateAsync(ContentStore content)
    {
        var first = await LayerAsync(content, [Dir("bin/"), File("bin/tool", "#!/bin/sh\necho tool\n", 0b111_101_101), Dir("etc/"), File("etc/hello", "hello\n", 0b110_100_100), Link("etc/link", "hello")]);
        var second = await LayerAsync(content, [Dir("data/"), File("data/x", "x\n", 0b110_100_100), Dir("etc/"), File("etc/.wh.hello", "", 0)]);

        var builder = ImageConfigBuilder.FromScratch(new OciPlatform("amd64", "linux"));
        var config = builder.Build() with { RootFs = new RootFs { DiffIds = [first.DiffId, second.DiffId] } };
        var configBlob = OciDocuments.Write(config);
        var configInfo = await content.WriteAsync(configBlob.Raw.AsMemory(), CancellationToken.None);
        var manifest = OciDocuments.Write(new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor(MediaTypes.OciConfig, configInfo.Digest, configInfo.Size),
            Layers = [new Descriptor(first.MediaType, first.Digest, first.Size), new Descriptor(second.MediaType, second.Digest, second.Size)],
        });
        var manifestInfo = await content.WriteAsync(manifest.Raw.AsMemory(), CancellationToken.None);
        return new Descriptor(MediaTypes.OciManifest, manifestInfo.Digest, manifestInfo.Size);
    }

    private static async Task<LayerBlob> LayerAsync(ContentStore content, (TarEntry Header, byte[]? Data)[] entries)
    {
        var writer = await content.OpenWriterAsync(CancellationToken.None);
        await using (writer)
        {
            var blob = await LayerWriter.WriteAsync(
                async (stream, token) =>
                {
                    using var tar = new DeterministicTarWriter(stream);
                    foreach (var (header, data) in entries)
                    {
                        using var body = data is null ? null : new MemoryStream(data);
                        await tar.WriteEntryAsync(header, body, token);
                    }

                    await tar.FinishAsync(token);
                },
                writer,
                new LayerWriterOptions { Compression = LayerCompression.None },
                CancellationToken.None);
            await writer.CommitAsync(blob.Digest, blob.Size, CancellationToken.None);
            return blob;
        }
    }

    private static (TarEntry, byte[]?) Dir(string name) =>
        (new TarEntry { Kind = TarEntryKind.Directory, Name = TarEntry.Bytes(name), Mode = 0b111_101_101 }, null);

    private static (TarEntry, byte[]?) File(string name, string text, int mode)
    {
        var data = Encoding.UTF8.GetBytes(text);
        return (new TarEntry { Kind = TarEntryKind.RegularFile, Name = TarEntry.Bytes(name), Mode = mode, Size = data.Length }, data);
    }

    private static (TarEntry, byte[]?) Link(string name, string target) =>
        (new TarEntry { Kind = TarEntryKind.SymbolicLink, Name = TarEntry.Bytes(name), LinkName = TarEntry.Bytes(target), Mode = 0b111_111_111 }, null);
}
