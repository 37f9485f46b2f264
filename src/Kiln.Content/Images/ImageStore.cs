using System.Collections.Immutable;
using System.Text.Json;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Content.Images;

/// <summary>
/// Local images: names (normalised references) pointing at manifests in a <see cref="ContentStore"/>, kept in
/// <c>images.json</c>. Every change is a read-modify-write under <c>locks/images.lock</c> plus a store lease (so
/// prune never sees a half-made change), written to a temp file, fsynced and renamed over the old file: readers
/// never lock and always see a whole document.
/// </summary>
public sealed class ImageStore
{
    /// <summary>Manifests, indexes and configs are small; the distribution spec lets registries refuse manifests over 4 MiB.</summary>
    public const long MaxDocumentSize = 4 * 1024 * 1024;

    private ImageStore(ContentStore content)
    {
        Content = content;
    }

    public ContentStore Content { get; }

    private string ImagesLockPath => Path.Combine(Content.Root.LocksPath, "images.lock");

    public static ImageStore Open(ContentStore content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new ImageStore(content);
    }

    /// <summary>Every name, sorted.</summary>
    public async Task<ImmutableArray<ImageRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var document = await ReadDocumentAsync(cancellationToken).ConfigureAwait(false);
        return [.. document.Images.Select(pair => ToRecord(pair.Key, pair.Value))];
    }

    /// <summary>
    /// Points <paramref name="name"/> at a manifest already in the content store (and the index it was chosen
    /// from, if any). The manifest is read to learn the image id, so a name never points at a missing or
    /// malformed manifest.
    /// </summary>
    public async Task<ImageRecord> SetAsync(ImageReference name, Descriptor manifest, Descriptor? index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(manifest);
        var key = NameKey(name);
        using var lease = await Content.LeaseAsync(cancellationToken).ConfigureAwait(false);
        var parsed = await ReadManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        if (index is not null && !Content.Exists(index.Digest))
        {
            throw new BlobNotFoundException(index.Digest);
        }

        // A name stands for a whole image: its config and layers must be here too. Foreign layers (Windows base
        // layers with download URLs) are the spec's one exception: they are never pushed or pulled.
        var missing = parsed.Value.Layers
            .Where(l => l.MediaType != MediaTypes.DockerForeignLayerGzip && l.Urls is not { IsDefaultOrEmpty: false })
            .Prepend(parsed.Value.Config)
            .FirstOrDefault(d => !Content.Exists(d.Digest));
        if (missing is not null)
        {
            throw new BlobNotFoundException(missing.Digest);
        }

        var entry = new ImageEntry(manifest, index, parsed.Value.Config.Digest, DateTimeOffset.UtcNow);
        await UpdateAsync(document => document with { Images = document.Images.SetItem(key, entry) }, cancellationToken).ConfigureAwait(false);
        return ToRecord(key, entry);
    }

    /// <summary>Gives the image that <paramref name="source"/> resolves to another name, like <c>docker tag</c>.</summary>
    public async Task<ImageRecord> TagAsync(string source, ImageReference target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Digest is not null)
        {
            throw new ImageStoreException($"refusing to create a tag with a digest reference: {target.FamiliarString}");
        }

        var resolved = await ResolveAsync(source, cancellationToken).ConfigureAwait(false);
        return await SetAsync(target, resolved.Manifest, resolved.Index, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resolves what a user typed, in docker's order: a name (<c>busybox</c>, <c>busybox:1.36</c>,
    /// <c>busybox@sha256:...</c>), else an image id or manifest digest (<c>sha256:...</c>), else a unique prefix of
    /// an image id (<c>3f57d9401f8d</c>).
    /// </summary>
    public async Task<ResolvedImage> ResolveAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var records = await ListAsync(cancellationToken).ConfigureAwait(false);
        return Resolve(records, text);
    }

    /// <summary>
    /// Removes names, like <c>docker rmi</c>: a name removes that name; an id or digest removes every name of the
    /// image, which (without <paramref name="force"/>) must all be in one repository. Blobs stay until a prune.
    /// </summary>
    public async Task<RemoveResult> RemoveAsync(string text, bool force, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        RemoveResult? result = null;
        await UpdateAsync(
            document =>
            {
                var records = document.Images.Select(pair => ToRecord(pair.Key, pair.Value)).ToImmutableArray();
                var resolved = Resolve(records, text);
                var remove = resolved.ByName is { } named ? [named] : resolved.Names;
                var repositories = remove.Select(r => r.Name.Name).Distinct(StringComparer.Ordinal).ToList();
                if (!force && repositories.Count > 1)
                {
                    throw new ImageStoreException(
                        $"unable to delete {ShortId(resolved.Id)} (must be forced) - image is referenced in multiple repositories ({string.Join(", ", repositories)})");
                }

                var images = document.Images.RemoveRange(remove.Select(r => NameKey(r.Name)));
                var stillReferenced = images.Values.Any(e => e.Id == resolved.Id);
                result = new RemoveResult(resolved.Id, [.. remove.Select(r => r.Name)], stillReferenced);
                return document with { Images = images };
            },
            cancellationToken).ConfigureAwait(false);
        return result!;
    }

    /// <summary>Resolves what a user typed (<see cref="ResolveAsync"/>) and loads that image (<see cref="LoadAsync(ResolvedImage, CancellationToken)"/>).</summary>
    public async Task<LocalImage> LoadAsync(string text, CancellationToken cancellationToken) =>
        await LoadAsync(await ResolveAsync(text, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Reads a resolved image's manifest and config from the content store, verified.</summary>
    public async Task<LocalImage> LoadAsync(ResolvedImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var manifest = await ReadManifestAsync(image.Manifest, cancellationToken).ConfigureAwait(false);
        var configBytes = await Content.ReadAllBytesAsync(manifest.Value.Config.Digest, MaxDocumentSize, cancellationToken).ConfigureAwait(false);
        var config = OciDocuments.ParseConfig(configBytes);
        return new LocalImage(image, manifest, config);
    }

    /// <summary>
    /// Removes every blob that no name (and no root from <paramref name="extraRoots"/>, e.g. a build cache)
    /// references, and every stale ingest file. With <paramref name="wait"/> false it returns null at once when
    /// another kiln process is using the store, instead of waiting for it.
    /// </summary>
    public async Task<PruneResult?> PruneAsync(IPruneRoots? extraRoots, bool wait, CancellationToken cancellationToken)
    {
        var exclusive = wait
            ? await Content.LockExclusiveAsync(cancellationToken).ConfigureAwait(false)
            : Content.TryLockExclusive();
        if (exclusive is null)
        {
            return null;
        }

        using (exclusive)
        {
            var document = await ReadDocumentAsync(cancellationToken).ConfigureAwait(false);
            var roots = new List<Descriptor>();
            foreach (var entry in document.Images.Values)
            {
                roots.Add(entry.Manifest);
                if (entry.Index is not null)
                {
                    roots.Add(entry.Index);
                }
            }

            var extra = extraRoots is null ? [] : await extraRoots.GetRootsAsync(cancellationToken).ConfigureAwait(false);
            return await new GarbageCollector(Content).CollectLockedAsync(roots, extra, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ParsedDocument<ImageManifest>> ReadManifestAsync(Descriptor manifest, CancellationToken cancellationToken)
    {
        if (!MediaTypes.IsManifest(manifest.MediaType))
        {
            throw new ImageStoreException($"{manifest.Digest} has media type {manifest.MediaType}, which is not an image manifest");
        }

        var bytes = await Content.ReadAllBytesAsync(manifest.Digest, MaxDocumentSize, cancellationToken).ConfigureAwait(false);
        if (bytes.Length != manifest.Size)
        {
            throw new ImageStoreException($"manifest {manifest.Digest} has {bytes.Length} bytes, its descriptor says {manifest.Size}");
        }

        return OciDocuments.ParseManifest(bytes);
    }

    private static ResolvedImage Resolve(ImmutableArray<ImageRecord> records, string text)
    {
        if (ImageReference.TryParse(text, out var reference, out _))
        {
            var byName = reference.Digest is { } digest
                ? records.FirstOrDefault(r => r.Name.Name == reference.Name && (r.Manifest.Digest == digest || r.Index?.Digest == digest))
                : records.FirstOrDefault(r => r.Name.Equals(reference));
            if (byName is not null)
            {
                return Group(records, byName.Id, byName);
            }
        }

        if (Digest.TryParse(text, out var full))
        {
            var match = records.FirstOrDefault(r => r.Id == full)
                ?? records.FirstOrDefault(r => r.Manifest.Digest == full || r.Index?.Digest == full);
            return match is null
                ? throw new ImageNotFoundException($"no such image: {text}")
                : Group(records, match.Id, null);
        }

        var prefix = text.StartsWith("sha256:", StringComparison.Ordinal) ? text["sha256:".Length..] : text;
        if (prefix.Length > 0 && prefix.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            var ids = records.Select(r => r.Id).Where(id => id.Algorithm == "sha256" && id.Encoded.StartsWith(prefix, StringComparison.Ordinal)).Distinct().ToList();
            if (ids.Count > 1)
            {
                throw new ImageStoreException($"image id prefix {text} is ambiguous: it matches {string.Join(", ", ids.Select(ShortId))}");
            }

            if (ids.Count == 1)
            {
                return Group(records, ids[0], null);
            }
        }

        throw new ImageNotFoundException($"no such image: {text}");
    }

    private static ResolvedImage Group(ImmutableArray<ImageRecord> records, Digest id, ImageRecord? byName)
    {
        var names = records.Where(r => r.Id == id).ToImmutableArray();
        var chosen = byName ?? names[0];
        return new ResolvedImage(id, chosen.Manifest, chosen.Index, names, byName);
    }

    internal static string ShortId(Digest id) => id.Encoded[..Math.Min(12, id.Encoded.Length)];

    private static string NameKey(ImageReference name) => name.ToString();

    private static ImageRecord ToRecord(string key, ImageEntry entry)
    {
        if (!ImageReference.TryParse(key, out var name, out var error))
        {
            throw new ImageStoreException($"images.json has an invalid name \"{key}\": {error}");
        }

        return new ImageRecord(name, entry.Manifest, entry.Index, entry.Id, entry.Tagged);
    }

    private async Task<ImagesDocument> ReadDocumentAsync(CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(Content.Root.ImagesFile, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return ImagesDocument.Empty;
        }

        ImagesDocument? document;
        try
        {
            document = ImagesFileFormat.Read(bytes);
        }
        catch (JsonException e)
        {
            throw new ImageStoreException($"{Content.Root.ImagesFile} is damaged: {e.Message}", e);
        }

        if (document is null || document.Version != ImagesDocument.CurrentVersion)
        {
            throw new ImageStoreException($"{Content.Root.ImagesFile} has version {document?.Version}; this kiln reads version {ImagesDocument.CurrentVersion}");
        }

        return document;
    }

    private async Task UpdateAsync(Func<ImagesDocument, ImagesDocument> change, CancellationToken cancellationToken)
    {
        using var lease = await Content.LeaseAsync(cancellationToken).ConfigureAwait(false);
        using var images = await FileLock.AcquireAsync(ImagesLockPath, exclusive: true, cancellationToken).ConfigureAwait(false);
        var before = await ReadDocumentAsync(cancellationToken).ConfigureAwait(false);
        var after = change(before);
        var bytes = ImagesFileFormat.Write(after);
        await Content.ReplaceFileAsync(Content.Root.ImagesFile, bytes, cancellationToken).ConfigureAwait(false);
    }
}
