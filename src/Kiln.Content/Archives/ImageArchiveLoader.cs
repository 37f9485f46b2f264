using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using Kiln.Content.Compression;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Content.Archives;

/// <summary>
/// <c>kiln load</c>: reads a legacy docker archive (<c>manifest.json</c>, <c>&lt;id&gt;.json</c>,
/// <c>&lt;id&gt;/layer.tar</c>), a Docker 25+ one, or an OCI layout (a tar or a directory) into the store, verifying
/// every digest, size and diffID, and names the images. When an archive has both <c>index.json</c> and
/// <c>manifest.json</c> (Docker 25+, <c>kiln save</c>), the index is used: its manifests are kept byte for byte,
/// so an image keeps its manifest digest through save and load. A legacy archive has no manifest: one is made
/// (OCI, canonical JSON) with the layer blobs as the archive holds them, uncompressed layers with the OCI tar
/// media type, so no layer is recompressed and each layer's digest stays its diffID, as docker's own is.
/// </summary>
public static class ImageArchiveLoader
{
    /// <summary>Loads a tar (plain, gzip or zstd) from a file or a pipe.</summary>
    public static async Task<ImmutableArray<LoadedImage>> LoadTarAsync(ImageStore images, Stream archive, string displayName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(archive);
        using var lease = await images.Content.LeaseAsync(cancellationToken).ConfigureAwait(false);
        var source = await TarArchiveSource.ScanAsync(images.Content, archive, displayName, cancellationToken).ConfigureAwait(false);
        return await LoadAsync(images, source, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads an OCI image layout directory (or an unpacked docker archive without links).</summary>
    public static async Task<ImmutableArray<LoadedImage>> LoadDirectoryAsync(ImageStore images, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        using var lease = await images.Content.LeaseAsync(cancellationToken).ConfigureAwait(false);
        return await LoadAsync(images, new LayoutDirectorySource(images.Content, directory), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ImmutableArray<LoadedImage>> LoadAsync(ImageStore images, IArchiveSource source, CancellationToken cancellationToken)
    {
        var layout = await source.ReadDocumentAsync("oci-layout", cancellationToken).ConfigureAwait(false);
        var index = await source.ReadDocumentAsync("index.json", cancellationToken).ConfigureAwait(false);
        var manifestJson = await source.ReadDocumentAsync("manifest.json", cancellationToken).ConfigureAwait(false);
        var dockerEntries = manifestJson is null ? [] : ParseManifestJson(source, manifestJson);

        if (layout is not null)
        {
            CheckLayout(source, layout);
        }

        List<(ImmutableArray<ImageReference> Names, Descriptor Manifest, Descriptor? Index, Digest Id)> found;
        if (index is not null && (layout is not null || manifestJson is null))
        {
            if (layout is null)
            {
                throw new ArchiveException($"{source.DisplayName} has index.json but no oci-layout file, which an OCI image layout MUST have");
            }

            found = await ReadLayoutAsync(images.Content, source, index, dockerEntries, cancellationToken).ConfigureAwait(false);
        }
        else if (manifestJson is not null)
        {
            found = await ReadDockerArchiveAsync(images.Content, source, dockerEntries, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new ArchiveException($"{source.DisplayName} is not an image archive: it has neither manifest.json (docker) nor index.json (OCI layout)");
        }

        var loaded = ImmutableArray.CreateBuilder<LoadedImage>();
        foreach (var (names, manifest, indexDescriptor, id) in found)
        {
            foreach (var name in names)
            {
                await images.SetAsync(name, manifest, indexDescriptor, cancellationToken).ConfigureAwait(false);
            }

            loaded.Add(new LoadedImage(names, id, manifest, indexDescriptor));
        }

        return loaded.ToImmutable();
    }

    private static ImmutableArray<DockerManifestEntry> ParseManifestJson(IArchiveSource source, byte[] bytes)
    {
        try
        {
            var entries = JsonSerializer.Deserialize(bytes, ArchiveJsonContext.Default.ImmutableArrayDockerManifestEntry);
            return entries.IsDefault ? throw new ArchiveException($"{source.DisplayName}: manifest.json is null") : entries;
        }
        catch (JsonException e)
        {
            throw new ArchiveException($"{source.DisplayName}: manifest.json is not valid: {e.Message}", e);
        }
    }

    private static void CheckLayout(IArchiveSource source, byte[] bytes)
    {
        OciLayoutMarker? marker;
        try
        {
            marker = JsonSerializer.Deserialize(bytes, ArchiveJsonContext.Default.OciLayoutMarker);
        }
        catch (JsonException e)
        {
            throw new ArchiveException($"{source.DisplayName}: oci-layout is not valid: {e.Message}", e);
        }

        if (marker?.ImageLayoutVersion != OciLayoutMarker.CurrentVersion)
        {
            throw new ArchiveException(
                $"{source.DisplayName}: oci-layout says image layout version \"{marker?.ImageLayoutVersion}\"; kiln reads {OciLayoutMarker.CurrentVersion}");
        }
    }

    private static async Task<List<(ImmutableArray<ImageReference>, Descriptor, Descriptor?, Digest)>> ReadLayoutAsync(
        ContentStore content, IArchiveSource source, byte[] indexBytes, ImmutableArray<DockerManifestEntry> dockerEntries, CancellationToken cancellationToken)
    {
        var index = Parse(source, "index.json", () => OciDocuments.ParseIndex(indexBytes)).Value;

        // manifest.json's RepoTags (Docker 25+) name images by config; the index names them by annotation.
        var tagsByConfig = new Dictionary<Digest, List<ImageReference>>();
        foreach (var entry in dockerEntries)
        {
            var config = await source.GetBlobAsync(entry.Config, null, null, "manifest.json", cancellationToken).ConfigureAwait(false);
            if (!tagsByConfig.TryGetValue(config.Digest, out var list))
            {
                tagsByConfig[config.Digest] = list = [];
            }

            list.AddRange(ParseNames(source, entry.RepoTags ?? []));
        }

        var found = new List<(ImmutableArray<ImageReference>, Descriptor, Descriptor?, Digest)>();
        foreach (var descriptor in index.Manifests)
        {
            Descriptor manifest;
            Descriptor? parent = null;
            if (MediaTypes.IsManifest(descriptor.MediaType))
            {
                manifest = descriptor;
            }
            else if (MediaTypes.IsIndex(descriptor.MediaType))
            {
                parent = Strip(descriptor);
                manifest = await SelectPlatformAsync(content, source, descriptor, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw new ArchiveException($"{source.DisplayName}: index.json lists {descriptor.Digest} of media type {descriptor.MediaType}, which is not an image");
            }

            var id = await CheckImageAsync(content, source, manifest, cancellationToken).ConfigureAwait(false);
            var names = NamesFromAnnotations(descriptor).ToList();
            if (tagsByConfig.TryGetValue(id, out var tags))
            {
                names.AddRange(tags);
            }

            found.Add(([.. names.Distinct()], Strip(manifest), parent, id));
        }

        return found;
    }

    /// <summary>The host's manifest from a nested index (a multi-platform image in a layout).</summary>
    private static async Task<Descriptor> SelectPlatformAsync(ContentStore content, IArchiveSource source, Descriptor descriptor, CancellationToken cancellationToken)
    {
        var bytes = await ReadDocumentBlobAsync(content, source, descriptor, "index.json", cancellationToken).ConfigureAwait(false);
        var nested = Parse(source, $"index {descriptor.Digest}", () => OciDocuments.ParseIndex(bytes)).Value;
        var matcher = new PlatformMatcher(OciPlatform.Host);
        foreach (var candidate in matcher.Candidates(nested))
        {
            if (MediaTypes.IsManifest(candidate.MediaType)
                && (content.Info(candidate.Digest) is not null || await HasBlobAsync(source, candidate, cancellationToken).ConfigureAwait(false)))
            {
                return candidate;
            }
        }

        throw new ArchiveException($"{source.DisplayName}: index {descriptor.Digest} has no image for {OciPlatform.Host} in the archive");
    }

    private static async Task<bool> HasBlobAsync(IArchiveSource source, Descriptor descriptor, CancellationToken cancellationToken)
    {
        try
        {
            await source.GetBlobAsync(ImageArchiveWriter.BlobName(descriptor.Digest), descriptor.Digest, descriptor.Size, "index", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ArchiveException)
        {
            return false;
        }
    }

    /// <summary>Puts the manifest, config and layers in the store, verified, and returns the image id.</summary>
    private static async Task<Digest> CheckImageAsync(ContentStore content, IArchiveSource source, Descriptor descriptor, CancellationToken cancellationToken)
    {
        var manifestBytes = await ReadDocumentBlobAsync(content, source, descriptor, "index.json", cancellationToken).ConfigureAwait(false);
        var manifest = Parse(source, $"manifest {descriptor.Digest}", () => OciDocuments.ParseManifest(manifestBytes)).Value;
        var what = $"manifest {descriptor.Digest}";
        var configBytes = await ReadDocumentBlobAsync(content, source, manifest.Config, what, cancellationToken).ConfigureAwait(false);
        var config = Parse(source, $"config {manifest.Config.Digest}", () => OciDocuments.ParseConfig(configBytes)).Value;
        Parse(source, what, () =>
        {
            OciDocuments.ValidateImage(manifest, config);
            return 0;
        });
        for (var i = 0; i < manifest.Layers.Length; i++)
        {
            var layer = manifest.Layers[i];
            var blob = await source.GetBlobAsync(ImageArchiveWriter.BlobName(layer.Digest), layer.Digest, layer.Size, what, cancellationToken).ConfigureAwait(false);
            await CheckDiffIdAsync(content, source, blob, config.RootFs.DiffIds[i], $"layer {i + 1} of {what}", cancellationToken).ConfigureAwait(false);
        }

        return manifest.Config.Digest;
    }

    private static async Task<List<(ImmutableArray<ImageReference>, Descriptor, Descriptor?, Digest)>> ReadDockerArchiveAsync(
        ContentStore content, IArchiveSource source, ImmutableArray<DockerManifestEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.IsEmpty)
        {
            throw new ArchiveException($"{source.DisplayName}: manifest.json lists no images");
        }

        var found = new List<(ImmutableArray<ImageReference>, Descriptor, Descriptor?, Digest)>();
        foreach (var entry in entries)
        {
            var configBlob = await source.GetBlobAsync(entry.Config, null, null, "manifest.json", cancellationToken).ConfigureAwait(false);
            if (configBlob.Size > ImageStore.MaxDocumentSize)
            {
                throw new ArchiveException($"{source.DisplayName}: config {entry.Config} has {configBlob.Size} bytes, more than the {ImageStore.MaxDocumentSize} allowed");
            }

            var configBytes = await content.ReadAllBytesAsync(configBlob.Digest, ImageStore.MaxDocumentSize, cancellationToken).ConfigureAwait(false);
            var config = Parse(source, $"config {entry.Config}", () => OciDocuments.ParseConfig(configBytes)).Value;
            var paths = entry.Layers ?? [];
            if (paths.Length != config.RootFs.DiffIds.Length)
            {
                throw new ArchiveException(
                    $"{source.DisplayName}: manifest.json lists {paths.Length} layers for {entry.Config}, whose rootfs has {config.RootFs.DiffIds.Length} diff_ids");
            }

            var layers = ImmutableArray.CreateBuilder<Descriptor>(paths.Length);
            for (var i = 0; i < paths.Length; i++)
            {
                var blob = await source.GetBlobAsync(paths[i], null, null, "manifest.json", cancellationToken).ConfigureAwait(false);
                var compression = await CheckDiffIdAsync(content, source, blob, config.RootFs.DiffIds[i], $"layer {paths[i]}", cancellationToken).ConfigureAwait(false);
                var mediaType = compression switch
                {
                    LayerCompression.Gzip => MediaTypes.OciLayerGzip,
                    LayerCompression.Zstd => MediaTypes.OciLayerZstd,
                    _ => MediaTypes.OciLayer,
                };
                layers.Add(new Descriptor(mediaType, blob.Digest, blob.Size));
            }

            var manifest = OciDocuments.Write(new ImageManifest
            {
                MediaType = MediaTypes.OciManifest,
                Config = new Descriptor(MediaTypes.OciConfig, configBlob.Digest, configBlob.Size),
                Layers = layers.MoveToImmutable(),
            });
            await content.WriteAsync(manifest.Raw.AsMemory(), cancellationToken).ConfigureAwait(false);
            found.Add(([.. ParseNames(source, entry.RepoTags ?? []).Distinct()], manifest.ToDescriptor(MediaTypes.OciManifest), null, configBlob.Digest));
        }

        return found;
    }

    /// <summary>
    /// Checks a layer blob against the config's diffID (the sha256 of the uncompressed tar): by its digest when it
    /// is uncompressed, else by decompressing it from the store. Returns how it is compressed.
    /// </summary>
    private static async Task<LayerCompression> CheckDiffIdAsync(ContentStore content, IArchiveSource source, BlobInfo blob, Digest diffId, string what, CancellationToken cancellationToken)
    {
        var stream = await content.OpenReadAsync(blob.Digest, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            (Stream Stream, LayerCompression Compression) opened;
            try
            {
                opened = await LayerDecompression.OpenAsync(stream, leaveOpen: true, what, cancellationToken).ConfigureAwait(false);
            }
            catch (NotSupportedException e)
            {
                throw new ArchiveException($"{source.DisplayName}: {e.Message}", e);
            }

            await using (opened.Stream.ConfigureAwait(false))
            {
                if (opened.Compression == LayerCompression.None)
                {
                    if (blob.Digest != diffId)
                    {
                        throw new ArchiveException($"{source.DisplayName}: {what} is {blob.Digest}, but the config's diff_ids say {diffId}");
                    }

                    return LayerCompression.None;
                }

                if (diffId.Algorithm != "sha256")
                {
                    throw new ArchiveException($"{source.DisplayName}: {what} has diffID {diffId}; only sha256 diffIDs are supported");
                }

                byte[] hash;
                try
                {
                    using var sha = SHA256.Create();
                    hash = await sha.ComputeHashAsync(opened.Stream, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    throw new ArchiveException($"{source.DisplayName}: {what} is damaged: {e.Message}", e);
                }

                var actual = Digest.FromSha256Hash(hash);
                return actual == diffId
                    ? opened.Compression
                    : throw new ArchiveException($"{source.DisplayName}: {what} uncompresses to {actual}, but the config's diff_ids say {diffId}");
            }
        }
    }

    private static async Task<byte[]> ReadDocumentBlobAsync(ContentStore content, IArchiveSource source, Descriptor descriptor, string what, CancellationToken cancellationToken)
    {
        if (descriptor.Size > ImageStore.MaxDocumentSize || descriptor.Size < 0)
        {
            throw new ArchiveException($"{source.DisplayName}: {what} says {descriptor.Digest} has {descriptor.Size} bytes; documents are limited to {ImageStore.MaxDocumentSize}");
        }

        var blob = await source.GetBlobAsync(ImageArchiveWriter.BlobName(descriptor.Digest), descriptor.Digest, descriptor.Size, what, cancellationToken).ConfigureAwait(false);
        return await content.ReadAllBytesAsync(blob.Digest, ImageStore.MaxDocumentSize, cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<ImageReference> NamesFromAnnotations(Descriptor descriptor)
    {
        var annotations = descriptor.Annotations;
        if (annotations is null)
        {
            yield break;
        }

        if (annotations.TryGetValue(ImageArchiveWriter.ContainerdImageName, out var full) && ImageReference.TryParse(full, out var reference, out _))
        {
            yield return reference;
            yield break;
        }

        // A ref.name is often a bare tag ("latest"), which names no repository; only a full reference is a name.
        if (annotations.TryGetValue(ImageArchiveWriter.RefName, out var refName) && (refName.Contains('/', StringComparison.Ordinal) || refName.Contains(':', StringComparison.Ordinal))
            && ImageReference.TryParse(refName, out var named, out _) && named.Digest is null)
        {
            yield return named;
        }
    }

    private static IEnumerable<ImageReference> ParseNames(IArchiveSource source, ImmutableArray<string> repoTags)
    {
        foreach (var tag in repoTags)
        {
            if (!ImageReference.TryParse(tag, out var reference, out var error) || reference.Digest is not null)
            {
                throw new ArchiveException($"{source.DisplayName}: manifest.json names an image \"{tag}\", which is not a valid name:tag: {error ?? "it has a digest"}");
            }

            yield return reference;
        }
    }

    /// <summary>A descriptor as the image store keeps it: the annotations belong to the layout, not the image.</summary>
    private static Descriptor Strip(Descriptor descriptor) => new(descriptor.MediaType, descriptor.Digest, descriptor.Size);

    private static T Parse<T>(IArchiveSource source, string what, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (OciFormatException e)
        {
            throw new ArchiveException($"{source.DisplayName}: {what}: {e.Message}", e);
        }
    }
}
