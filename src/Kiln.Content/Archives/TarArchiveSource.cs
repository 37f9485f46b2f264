using Kiln.Content.Compression;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Content.Tar;
using Kiln.Oci;

namespace Kiln.Content.Archives;

/// <summary>
/// A tar archive (docker legacy, Docker 25+, or an OCI layout) read in one pass, front to back, so that it can
/// come from a pipe: members under <c>blobs/ALG/HEX</c> go straight into the store and must hash to their name;
/// other big members (legacy <c>layer.tar</c> files) go into the store under whatever they hash to and are
/// checked against the config's diffIDs later; the few small JSON files are kept in memory. Links are recorded
/// as archive paths and followed only inside the archive. Nothing is extracted to disk.
/// The outer archive is read with the same <see cref="TarReader"/> as layers: one reader to audit, and GNU, PAX and
/// sparse members are read right.
/// </summary>
internal sealed class TarArchiveSource : IArchiveSource
{
    private const int MaxLinkHops = 40;

    private readonly ContentStore _content;
    private readonly Dictionary<string, BlobInfo> _blobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    private TarArchiveSource(ContentStore content, string displayName)
    {
        _content = content;
        DisplayName = displayName;
    }

    public string DisplayName { get; }

    public static async Task<TarArchiveSource> ScanAsync(ContentStore content, Stream archive, string displayName, CancellationToken cancellationToken)
    {
        var source = new TarArchiveSource(content, displayName);
        Stream stream;
        try
        {
            (stream, _) = await LayerDecompression.OpenAsync(archive, leaveOpen: true, displayName, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException e)
        {
            throw new ArchiveException(e.Message, e);
        }

        await using (stream.ConfigureAwait(false))
        {
            var reader = new TarReader(stream, leaveOpen: true);
            await using (reader.ConfigureAwait(false))
            {
                try
                {
                    while (await reader.GetNextEntryAsync(cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        await source.AddAsync(reader, entry, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is TarFormatException or InvalidDataException)
                {
                    throw new ArchiveException($"{displayName} is not a valid tar archive: {e.Message}", e);
                }
            }
        }

        return source;
    }

    public Task<byte[]?> ReadDocumentAsync(string path, CancellationToken cancellationToken)
    {
        var resolved = Resolve(path, path);
        if (resolved is not null && _documents.TryGetValue(resolved, out var bytes))
        {
            return Task.FromResult<byte[]?>(bytes);
        }

        if (resolved is not null && _blobs.TryGetValue(resolved, out var blob))
        {
            return ReadBlobDocumentAsync(blob, path, cancellationToken);
        }

        return Task.FromResult<byte[]?>(null);
    }

    public async Task<BlobInfo> GetBlobAsync(string path, Digest? expected, long? expectedSize, string what, CancellationToken cancellationToken)
    {
        var resolved = Resolve(path, what);
        BlobInfo? found = null;
        if (resolved is not null && _blobs.TryGetValue(resolved, out var blob))
        {
            found = blob;
        }
        else if (resolved is not null && _documents.TryGetValue(resolved, out var bytes))
        {
            found = await _content.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        else if (expected is { } digest && _content.Info(digest) is { } stored && (expectedSize is null || stored.Size == expectedSize))
        {
            // Not in the archive, but the store has these exact bytes (an OCI layout may leave out other platforms' blobs).
            return stored;
        }

        if (found is null)
        {
            throw new ArchiveException($"{DisplayName}: {what} points at {path}, which is not in the archive");
        }

        if (expected is { } want && found.Digest != want)
        {
            throw new ArchiveException($"{DisplayName}: {what} expects {want} but {path} is {found.Digest}");
        }

        if (expectedSize is { } size && found.Size != size)
        {
            throw new ArchiveException($"{DisplayName}: {what} expects {size} bytes but {path} has {found.Size}");
        }

        return found;
    }

    private async Task<byte[]?> ReadBlobDocumentAsync(BlobInfo blob, string path, CancellationToken cancellationToken)
    {
        if (blob.Size > ImageStore.MaxDocumentSize)
        {
            throw new ArchiveException($"{DisplayName}: {path} has {blob.Size} bytes, more than the {ImageStore.MaxDocumentSize} allowed for it");
        }

        return await _content.ReadAllBytesAsync(blob.Digest, ImageStore.MaxDocumentSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The member a path names after following links; null if there is none; an error if it leaves the archive or loops.</summary>
    private string? Resolve(string path, string what)
    {
        var current = ArchivePath.Normalize(path)
            ?? throw new ArchiveException($"{DisplayName}: {what} points at \"{path}\", which is outside the archive");
        for (var hops = 0; _links.TryGetValue(current, out var target); hops++)
        {
            if (hops == MaxLinkHops)
            {
                throw new ArchiveException($"{DisplayName}: {path} is a chain of more than {MaxLinkHops} links (a loop?)");
            }

            current = target;
        }

        return _blobs.ContainsKey(current) || _documents.ContainsKey(current) ? current : null;
    }

    private async Task AddAsync(TarReader reader, TarEntry entry, CancellationToken cancellationToken)
    {
        // GNU tar run as "tar -C dir -cf x.tar ." names the top directory "./".
        var member = entry.NameText;
        if (entry.Kind is TarEntryKind.Directory && member is "." or "./")
        {
            return;
        }

        var name = ArchivePath.Normalize(member)
            ?? throw new ArchiveException($"{DisplayName}: member \"{member}\" has a name outside the archive");
        if (entry.Kind is TarEntryKind.Directory)
        {
            _directories.Add(name);
            return;
        }

        if (_blobs.ContainsKey(name) || _documents.ContainsKey(name) || _links.ContainsKey(name) || _directories.Contains(name))
        {
            throw new ArchiveException($"{DisplayName}: member {name} appears more than once");
        }

        switch (entry.Kind)
        {
            case TarEntryKind.SymbolicLink or TarEntryKind.HardLink:
                var symbolic = entry.Kind is TarEntryKind.SymbolicLink;
                _links[name] = ArchivePath.ResolveLink(name, entry.LinkNameText, symbolic)
                    ?? throw new ArchiveException($"{DisplayName}: link {name} points at \"{entry.LinkNameText}\", outside the archive");
                return;
            case TarEntryKind.RegularFile:
                break;
            default:
                throw new ArchiveException($"{DisplayName}: member {name} is a {entry.Kind}; an image archive holds only files, directories and links");
        }

        var data = reader.OpenData();
        if (IsDocument(name))
        {
            if (entry.Size > ImageStore.MaxDocumentSize)
            {
                throw new ArchiveException($"{DisplayName}: {name} has {entry.Size} bytes, more than the {ImageStore.MaxDocumentSize} allowed for it");
            }

            var bytes = new byte[entry.Size];
            await data.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            _documents[name] = bytes;
            return;
        }

        Digest? named = BlobDigest(name);
        if (named is { } digest && _content.Info(digest) is { } present && present.Size == entry.Size)
        {
            // The store has these bytes already (a second load, a shared base layer): nothing to copy.
            _blobs[name] = present;
            return;
        }

        try
        {
            _blobs[name] = await _content.WriteAsync(data, named, named is null ? null : entry.Size, cancellationToken).ConfigureAwait(false);
        }
        catch (DigestMismatchException e)
        {
            throw new ArchiveException($"{DisplayName}: {name} does not hold the content its name says: {e.Message}", e);
        }
    }

    /// <summary>The digest a <c>blobs/ALG/HEX</c> path names, or null for any other path.</summary>
    internal static Digest? BlobDigest(string name) =>
        name.Split('/') is ["blobs", var algorithm, var encoded] && Digest.TryParse($"{algorithm}:{encoded}", out var digest) ? digest : null;

    /// <summary>The small metadata files of docker and OCI archives, kept in memory; everything else is content.</summary>
    private static bool IsDocument(string name)
    {
        var file = name[(name.LastIndexOf('/') + 1)..];
        return BlobDigest(name) is null
            && (file.EndsWith(".json", StringComparison.Ordinal) || file is "json" or "VERSION" or "repositories" or "oci-layout");
    }
}
