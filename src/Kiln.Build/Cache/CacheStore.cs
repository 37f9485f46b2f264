using System.Security.Cryptography;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Build.Cache;

/// <summary>
/// The build cache: one small JSON file per key under <c>&lt;root&gt;/cache/v1/</c>, pointing at a layer snapshot,
/// a layer in the content store, or both. Entries are written to a temp file in the same directory, fsynced and
/// renamed, so a reader sees a whole entry or none. Reading never fails a build: a damaged entry, an entry of another
/// key or version, or one whose layer blob is gone (pruned, deleted by hand) is a miss; whether the snapshot of an
/// entry without a blob is there is for the caller to check (the snapshot store is not this one's concern). The
/// store is a prune root (<see cref="IPruneRoots"/>): <c>kiln prune</c> keeps every layer an entry points at;
/// <see cref="ClearAsync"/> drops the whole cache (what <c>kiln prune --all</c> does before pruning).
/// A writer holds a content-store lease from writing the layer until the entry is written, so a prune in another
/// process cannot sweep the layer in between.
/// </summary>
public sealed class CacheStore : IPruneRoots
{
    private const string VersionFolder = "v1";

    private CacheStore(ContentStore content, string directory)
    {
        Content = content;
        Directory = directory;
    }

    public ContentStore Content { get; }

    /// <summary><c>&lt;root&gt;/cache/v1</c>.</summary>
    public string Directory { get; }

    public static CacheStore Open(ContentStore content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var directory = Path.Combine(content.Root.Path, "cache", VersionFolder);
        System.IO.Directory.CreateDirectory(directory);
        return new CacheStore(content, directory);
    }

    /// <summary>The entry for <paramref name="key"/>, or null on a miss (no entry, a damaged one, or its layer blob gone).</summary>
    public async Task<CacheEntry?> TryGetAsync(CacheKey key, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(EntryPath(key.Value), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var entry = CacheEntryFormat.TryRead(bytes);
        if (entry is null || entry.Key != key)
        {
            return null;
        }

        // A blob must be there with the size the entry records; its content is verified when it is read.
        return entry.Layer is null || (Content.Info(entry.Layer.Digest) is { } info && info.Size == entry.Layer.Size) ? entry : null;
    }

    /// <summary>Records a result; a later write for the same key replaces it.</summary>
    public async Task PutAsync(CacheEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Layer is { } layer && !MediaTypes.IsLayer(layer.MediaType))
        {
            throw new ArgumentException($"a cache entry points at a layer, not at {layer.MediaType}", nameof(entry));
        }

        var bytes = CacheEntryFormat.Write(entry);
        var target = EntryPath(entry.Key.Value);
        var temp = Path.Combine(Directory, "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp");
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Every entry that parses, layer present or not.</summary>
    public async Task<IReadOnlyList<CacheEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new List<CacheEntry>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            if (CacheEntryFormat.TryRead(bytes) is { } entry && Path.GetFileName(path) == FileName(entry.Key.Value))
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>The layer blobs the cache points at: prune keeps them.</summary>
    public async Task<IReadOnlyCollection<Digest>> GetRootsAsync(CancellationToken cancellationToken)
    {
        var entries = await ListAsync(cancellationToken).ConfigureAwait(false);
        return [.. entries.Where(e => e.Layer is not null).Select(e => e.Layer!.Digest).Distinct()];
    }

    /// <summary>Drops every entry (the blobs go at the next prune). Returns how many entries there were.</summary>
    public Task<int> ClearAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            File.Delete(path);
            if (path.EndsWith(".json", StringComparison.Ordinal))
            {
                count++;
            }
        }

        return Task.FromResult(count);
    }

    private string EntryPath(Digest key) => Path.Combine(Directory, FileName(key));

    private static string FileName(Digest key) => $"{key.Algorithm}-{key.Encoded}.json";
}
