using System.Collections.Immutable;
using System.Text.Json;
using Kiln.Content.Images;
using Kiln.Content.Tar;
using Kiln.Oci;

namespace Kiln.Content.Archives;

/// <summary>
/// <c>kiln save</c>: one tar that is both an OCI image layout (<c>oci-layout</c>, <c>index.json</c>,
/// <c>blobs/</c>) and a Docker 25+ archive (<c>manifest.json</c> and <c>repositories</c> pointing into
/// <c>blobs/</c>), so <c>docker load</c>, skopeo, umoci and containerd all read it. Blobs are copied as the store
/// holds them (verified while read), so every manifest and config digest survives a save and a load. The bytes
/// depend only on the images and names: entries sorted, owner 0, mtime 0, no PAX unless a name needs it.
/// </summary>
public static class ImageArchiveWriter
{
    /// <summary>containerd's name annotation: the full reference, which docker 25+ and <c>ctr import</c> read.</summary>
    public const string ContainerdImageName = "io.containerd.image.name";

    /// <summary>The OCI annotation for a layout entry's name; docker and containerd write the tag alone.</summary>
    public const string RefName = "org.opencontainers.image.ref.name";

    public static async Task WriteAsync(ImageStore images, IReadOnlyList<string> names, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(output);
        if (names.Count == 0)
        {
            throw new ArgumentException("save needs at least one image", nameof(names));
        }

        var content = images.Content;
        using var lease = await content.LeaseAsync(cancellationToken).ConfigureAwait(false);
        var blobs = new SortedDictionary<string, (Digest Digest, long Size)>(StringComparer.Ordinal);
        var indexEntries = new List<Descriptor>();
        var dockerEntries = new List<(Digest Id, DockerManifestEntry Entry)>();
        var repositories = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);

        foreach (var name in names)
        {
            var resolved = await images.ResolveAsync(name, cancellationToken).ConfigureAwait(false);
            var image = await images.LoadAsync(resolved, cancellationToken).ConfigureAwait(false);
            var manifest = image.Manifest.Value;
            AddBlob(blobs, content, resolved.Manifest.Digest, resolved.Manifest.Size);
            AddBlob(blobs, content, manifest.Config.Digest, manifest.Config.Size);
            foreach (var layer in manifest.Layers)
            {
                AddBlob(blobs, content, layer.Digest, layer.Size);
            }

            // A name asked for by name is saved under that name; an id or digest saves the image unnamed, as docker does.
            var reference = resolved.ByName?.Name;
            var manifestDescriptor = new Descriptor(resolved.Manifest.MediaType, resolved.Manifest.Digest, resolved.Manifest.Size);
            if (reference is not null)
            {
                var annotations = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
                annotations[ContainerdImageName] = reference.ToString();
                if (reference.Tag is { } tag)
                {
                    annotations[RefName] = tag;
                }

                manifestDescriptor = manifestDescriptor with { Annotations = annotations.ToImmutable() };
            }

            if (!indexEntries.Contains(manifestDescriptor))
            {
                indexEntries.Add(manifestDescriptor);
            }

            var repoTag = reference is { Tag: { } t } ? $"{reference.FamiliarName}:{t}" : null;
            var existing = dockerEntries.FindIndex(e => e.Id == resolved.Id);
            if (existing < 0)
            {
                dockerEntries.Add((resolved.Id, new DockerManifestEntry
                {
                    Config = BlobName(manifest.Config.Digest),
                    RepoTags = repoTag is null ? [] : [repoTag],
                    Layers = [.. manifest.Layers.Select(l => BlobName(l.Digest))],
                }));
            }
            else if (repoTag is not null && !dockerEntries[existing].Entry.RepoTags!.Value.Contains(repoTag))
            {
                var entry = dockerEntries[existing].Entry;
                dockerEntries[existing] = (resolved.Id, entry with { RepoTags = entry.RepoTags!.Value.Add(repoTag) });
            }

            // Docker 25 names an image's top layer blob here; nothing reads it when manifest.json is present.
            if (reference is { Tag: { } repoTagName } && manifest.Layers.Length > 0)
            {
                if (!repositories.TryGetValue(reference.FamiliarName, out var tags))
                {
                    tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
                    repositories[reference.FamiliarName] = tags;
                }

                tags[repoTagName] = manifest.Layers[^1].Digest.Encoded;
            }
        }

        var index = OciDocuments.Write(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = [.. indexEntries] });
        var manifestJson = JsonSerializer.SerializeToUtf8Bytes(
            dockerEntries.Select(e => e.Entry).ToImmutableArray(), ArchiveJsonContext.Default.ImmutableArrayDockerManifestEntry);
        var layout = JsonSerializer.SerializeToUtf8Bytes(new OciLayoutMarker(OciLayoutMarker.CurrentVersion), ArchiveJsonContext.Default.OciLayoutMarker);
        var repositoriesJson = JsonSerializer.SerializeToUtf8Bytes(repositories, ArchiveJsonContext.Default.SortedDictionaryStringSortedDictionaryStringString);

        using var tar = new DeterministicTarWriter(output);
        await WriteDirectoryAsync(tar, "blobs/", cancellationToken).ConfigureAwait(false);
        foreach (var algorithm in blobs.Values.Select(b => b.Digest.Algorithm).Distinct().Order(StringComparer.Ordinal))
        {
            await WriteDirectoryAsync(tar, $"blobs/{algorithm}/", cancellationToken).ConfigureAwait(false);
            foreach (var (path, blob) in blobs.Where(b => b.Value.Digest.Algorithm == algorithm))
            {
                var stream = await content.OpenReadAsync(blob.Digest, cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await tar.WriteEntryAsync(FileHeader(path, blob.Size), stream, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await WriteFileAsync(tar, "index.json", index.Raw.AsMemory(), cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(tar, "manifest.json", manifestJson, cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(tar, "oci-layout", layout, cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(tar, "repositories", repositoriesJson, cancellationToken).ConfigureAwait(false);
        await tar.FinishAsync(cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static string BlobName(Digest digest) => $"blobs/{digest.Algorithm}/{digest.Encoded}";

    private static void AddBlob(SortedDictionary<string, (Digest, long)> blobs, Store.ContentStore content, Digest digest, long size)
    {
        var info = content.Info(digest) ?? throw new Store.BlobNotFoundException(digest);
        if (info.Size != size)
        {
            throw new ArchiveException($"blob {digest} has {info.Size} bytes in the store, its descriptor says {size}");
        }

        blobs[BlobName(digest)] = (digest, size);
    }

    private static TarEntry FileHeader(string path, long size) => new()
    {
        Kind = TarEntryKind.RegularFile,
        Name = TarEntry.Bytes(path),
        Mode = 0b110_100_100, // 0644
        Size = size,
    };

    private static ValueTask WriteDirectoryAsync(DeterministicTarWriter tar, string path, CancellationToken cancellationToken) =>
        tar.WriteEntryAsync(new TarEntry { Kind = TarEntryKind.Directory, Name = TarEntry.Bytes(path), Mode = 0b111_101_101 }, null, cancellationToken);

    private static async ValueTask WriteFileAsync(DeterministicTarWriter tar, string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        await tar.WriteEntryAsync(FileHeader(path, bytes.Length), stream, cancellationToken).ConfigureAwait(false);
    }
}
