using System.Globalization;
using System.Security.Cryptography;
using Kiln.Content.Compression;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Content.Images;

/// <summary>
/// Kiln keeps the layers it writes itself (build steps, <c>kiln import</c>) as plain tar, the way docker keeps
/// local layers uncompressed: the blob digest is the diffID, and a build never waits for gzip. An image is
/// compressed when it leaves for a registry, as <c>docker push</c> does: each plain tar layer becomes a gzip blob
/// (<see cref="LayerWriter"/>, deterministic, so the same image always pushes as the same manifest digest) and
/// the manifest, and an index above it, are rewritten to point at them. The config does not change (diffIDs are
/// the same). Which gzip blob a diffID became is remembered in <c>compressed/gzip/&lt;algorithm&gt;/&lt;hex&gt;</c>,
/// so pushing the image again, or another image with the layer, compresses nothing.
/// </summary>
public static class ImageCompressor
{
    private const int MaxIndexDepth = 4;

    /// <summary>
    /// The image <paramref name="root"/> (a manifest or an index) with every plain tar layer gzipped; the same
    /// descriptor when it has none. New blobs go to the store; the caller holds a lease until it has used them.
    /// </summary>
    public static Task<Descriptor> CompressLayersAsync(ContentStore content, Descriptor root, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(root);
        return CompressAsync(content, root, 0, cancellationToken);
    }

    /// <summary>The file that remembers the gzip blob made of the plain layer <paramref name="diffId"/>.</summary>
    internal static string RecordPath(StoreRoot root, Digest diffId) =>
        Path.Combine(root.Path, "compressed", "gzip", diffId.Algorithm, diffId.Encoded);

    /// <summary>Removes records whose gzip blob is gone (a prune swept it); called under the store's exclusive lock.</summary>
    internal static void ForgetSwept(ContentStore content)
    {
        var directory = Path.Combine(content.Root.Path, "compressed", "gzip");
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            if (ReadRecord(content, file) is null)
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<Descriptor> CompressAsync(ContentStore content, Descriptor descriptor, int depth, CancellationToken cancellationToken)
    {
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            if (depth >= MaxIndexDepth)
            {
                throw new InvalidDataException($"index {descriptor.Digest} nests more than {MaxIndexDepth} deep");
            }

            var index = OciDocuments.ParseIndex(await ReadAsync(content, descriptor, cancellationToken).ConfigureAwait(false)).Value;
            var children = new List<Descriptor>(index.Manifests.Length);
            foreach (var child in index.Manifests)
            {
                // An index may list what the store does not hold (other platforms); those are pushed as they are.
                children.Add(content.Exists(child.Digest) ? await CompressAsync(content, child, depth + 1, cancellationToken).ConfigureAwait(false) : child);
            }

            return children.SequenceEqual(index.Manifests)
                ? descriptor
                : await WriteDocumentAsync(content, descriptor, OciDocuments.Write(index with { Manifests = [.. children] }).Raw.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        if (!MediaTypes.IsManifest(descriptor.MediaType))
        {
            return descriptor;
        }

        var manifest = OciDocuments.ParseManifest(await ReadAsync(content, descriptor, cancellationToken).ConfigureAwait(false)).Value;
        if (!manifest.Layers.Any(l => l.MediaType == MediaTypes.OciLayer))
        {
            return descriptor;
        }

        var gzipType = descriptor.MediaType == MediaTypes.DockerManifest ? MediaTypes.DockerLayerGzip : MediaTypes.OciLayerGzip;
        var layers = new Descriptor[manifest.Layers.Length];
        for (var i = 0; i < layers.Length; i++)
        {
            var layer = manifest.Layers[i];
            if (layer.MediaType != MediaTypes.OciLayer)
            {
                layers[i] = layer;
                continue;
            }

            var gzip = await GzipAsync(content, layer, cancellationToken).ConfigureAwait(false);
            layers[i] = layer with { MediaType = gzipType, Digest = gzip.Digest, Size = gzip.Size };
        }

        var written = OciDocuments.Write(manifest with { Layers = [.. layers] });
        return await WriteDocumentAsync(content, descriptor, written.Raw.AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The gzip blob of a plain tar layer: the remembered one if the store still has it, else a new one.</summary>
    private static async Task<BlobInfo> GzipAsync(ContentStore content, Descriptor layer, CancellationToken cancellationToken)
    {
        var record = RecordPath(content.Root, layer.Digest);
        if (ReadRecord(content, record) is { } known)
        {
            return known;
        }

        LayerBlob blob;
        var source = await content.OpenReadAsync(layer.Digest, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var writer = await content.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            await using (writer.ConfigureAwait(false))
            {
                blob = await LayerWriter.WriteAsync(source, writer, new LayerWriterOptions { Compression = LayerCompression.Gzip }, cancellationToken).ConfigureAwait(false);
                if (blob.DiffId != layer.Digest)
                {
                    throw new BlobCorruptException(layer.Digest, blob.DiffId, content.Root.BlobPath(layer.Digest));
                }

                await writer.CommitAsync(blob.Digest, blob.Size, cancellationToken).ConfigureAwait(false);
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        var temp = $"{record}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp";
        await File.WriteAllTextAsync(temp, string.Create(CultureInfo.InvariantCulture, $"{blob.Digest} {blob.Size}\n"), cancellationToken).ConfigureAwait(false);
        File.Move(temp, record, overwrite: true);
        return new BlobInfo(blob.Digest, blob.Size);
    }

    /// <summary>The gzip blob a record names, if the record is sound and the store holds that blob whole.</summary>
    private static BlobInfo? ReadRecord(ContentStore content, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var parts = text.TrimEnd('\n').Split(' ');
        if (parts.Length != 2
            || !Digest.TryParse(parts[0], out var digest)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return null;
        }

        return content.Info(digest) is { } info && info.Size == size ? info : null;
    }

    private static async Task<byte[]> ReadAsync(ContentStore content, Descriptor descriptor, CancellationToken cancellationToken) =>
        await content.ReadAllBytesAsync(descriptor.Digest, ImageStore.MaxDocumentSize, cancellationToken).ConfigureAwait(false);

    private static async Task<Descriptor> WriteDocumentAsync(ContentStore content, Descriptor original, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var info = await content.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        return original with { Digest = info.Digest, Size = info.Size };
    }
}
