using Kiln.Content.Compression;
using Kiln.Content.Images;
using Kiln.Content.Tar;
using Kiln.Oci;

namespace Kiln.Content.Archives;

/// <summary>
/// <c>docker import</c>: a rootfs tarball (uncompressed, gzip or zstd, recognised by its magic bytes) becomes a
/// one-layer image. The tar is kept byte for byte (its sha256 is the diffID) and stored with
/// <see cref="LayerWriter"/> (plain by default, gzipped on push), so the same tarball, options and time always
/// give the same image digest.
/// </summary>
public static class RootfsImporter
{
    public static async Task<ImportResult> ImportAsync(ImageStore images, Stream rootfs, ImportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(rootfs);
        ArgumentNullException.ThrowIfNull(request);
        var content = images.Content;

        // Held from the first blob to the name: a prune in another process must not sweep the blobs in between.
        using var lease = await content.LeaseAsync(cancellationToken).ConfigureAwait(false);
        Stream decompressed;
        try
        {
            (decompressed, _) = await LayerDecompression.OpenAsync(rootfs, leaveOpen: true, request.Source, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException e)
        {
            throw new ArchiveException(e.Message, e);
        }

        LayerBlob layer;
        await using (decompressed.ConfigureAwait(false))
        {
            var tar = await CheckTarAsync(decompressed, request.Source, cancellationToken).ConfigureAwait(false);
            await using (tar.ConfigureAwait(false))
            {
                var writer = await content.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
                await using (writer.ConfigureAwait(false))
                {
                    try
                    {
                        layer = await LayerWriter.WriteAsync(tar, writer, request.Layer, cancellationToken).ConfigureAwait(false);
                    }
                    catch (InvalidDataException e)
                    {
                        throw new ArchiveException($"{request.Source}: the compressed tarball is damaged: {e.Message}", e);
                    }

                    await writer.CommitAsync(layer.Digest, layer.Size, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var comment = $"Imported from {request.Source}";
        var config = OciDocuments.Write(new ImageConfig
        {
            Architecture = request.Platform.Architecture,
            Os = request.Platform.Os,
            Variant = request.Platform.Variant,
            Config = request.Config,
            Created = request.Created,
            History = [new HistoryEntry { Created = request.Created, Comment = comment }],
            RootFs = new RootFs { DiffIds = [layer.DiffId] },
        });
        await content.WriteAsync(config.Raw.AsMemory(), cancellationToken).ConfigureAwait(false);

        var manifest = OciDocuments.Write(new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = config.ToDescriptor(MediaTypes.OciConfig),
            Layers = [new Descriptor(layer.MediaType, layer.Digest, layer.Size)],
        });
        await content.WriteAsync(manifest.Raw.AsMemory(), cancellationToken).ConfigureAwait(false);
        var descriptor = manifest.ToDescriptor(MediaTypes.OciManifest);
        await images.SetAsync(request.Name, descriptor, null, cancellationToken).ConfigureAwait(false);
        return new ImportResult(descriptor, config.Digest, layer);
    }

    /// <summary>
    /// Refuses input that is not a tar before it becomes a layer: the first header's checksum must hold (POSIX
    /// ustar: the sum of the header bytes with the checksum field counted as spaces). An empty archive (two zero
    /// blocks, which GNU tar writes for an empty directory list) is a valid, empty layer.
    /// https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html#tag_20_94_13_06
    /// </summary>
    private static async Task<Stream> CheckTarAsync(Stream tar, string source, CancellationToken cancellationToken)
    {
        var header = new byte[TarFields.BlockSize];
        var read = await tar.ReadAtLeastAsync(header, TarFields.BlockSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < TarFields.BlockSize)
        {
            throw new ArchiveException($"{source} is not a tar archive: it has only {read} bytes");
        }

        if (header.AsSpan().IndexOfAnyExcept((byte)0) >= 0 && !TarFields.ChecksumMatches(header))
        {
            throw new ArchiveException($"{source} is not a tar archive (or a gzip/zstd-compressed one): its first header has a bad checksum");
        }

        return new PrefixReplayStream(header, tar, leaveOpen: true);
    }
}
