using System.Buffers.Binary;
using System.Text;
using Kiln.Content.Paths;

namespace Kiln.Build.Context;

/// <summary>
/// The stat cache behind <see cref="CopySourceDigest"/>: (file, device, inode, size, mtime ns, ctime ns) -> SHA-256 of
/// the content and whether the file has extended attributes, persisted in a directory the caller owns, so that an
/// unchanged context file is not read again on the next build (git's index does the same), nor asked for its
/// attributes when it had none (setting or removing one changes ctime, which is part of the key).
/// </summary>
/// <remarks>
/// A file modified within <see cref="RacyWindowNanoseconds"/> of being hashed is not cached: a write landing in the same clock
/// tick as our read would otherwise leave a stale digest behind an unchanged stat ("racily clean" in git's words).
/// ctime is part of the key because it cannot be set from user space: a content change that restores the mtime
/// still changes ctime. The file is rewritten whole (temp file + rename), so a crash leaves the old cache or the new.
/// </remarks>
public sealed class FileDigestCache
{
    private const string FileName = "file-digests.v2";
    private static readonly byte[] Magic = "KILNFDC2"u8.ToArray();

    private readonly Dictionary<string, Entry> _entries;
    private readonly Lock _lock = new();
    private bool _dirty;

    private FileDigestCache(string directory, Dictionary<string, Entry> entries)
    {
        Directory = directory;
        _entries = entries;
    }

    public string Directory { get; }

    /// <summary>Files changed less than this long before they were hashed are not cached (tests shrink it).</summary>
    internal long RacyWindowNanoseconds { get; set; } = 2_000_000_000L;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Loads the cache from <paramref name="directory"/> (created if missing). A damaged cache file starts an empty cache.</summary>
    public static async Task<FileDigestCache> OpenAsync(string directory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Join(directory, FileName);
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            if (!TryParse(bytes, entries))
            {
                entries.Clear();
            }
        }

        return new FileDigestCache(directory, entries);
    }

    /// <summary>
    /// Forgets every file digest kept in <paramref name="directory"/> (<c>kiln prune --all</c>: a build after it
    /// reads every context file again, as after a first checkout). Returns whether there was a cache.
    /// </summary>
    public static bool Clear(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var path = Path.Join(directory, FileName);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        byte[] bytes;
        lock (_lock)
        {
            if (!_dirty)
            {
                return;
            }

            bytes = Serialize();
            _dirty = false;
        }

        var path = Path.Join(Directory, FileName);
        var temporary = path + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    /// <param name="hasXattrs">Whether the file had extended attributes when it was cached.</param>
    internal bool TryGet(string key, FileStat stat, out byte[] hash, out bool hasXattrs)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Matches(stat))
            {
                hash = entry.Hash;
                hasXattrs = entry.HasXattrs;
                return true;
            }
        }

        hash = [];
        hasXattrs = true;
        return false;
    }

    internal void Set(string key, FileStat stat, byte[] hash, bool hasXattrs, long nowNanoseconds)
    {
        if (stat.ModifiedNanoseconds >= nowNanoseconds - RacyWindowNanoseconds || stat.ChangedNanoseconds >= nowNanoseconds - RacyWindowNanoseconds)
        {
            return;
        }

        lock (_lock)
        {
            _entries[key] = new Entry(stat.Device, stat.Inode, stat.Size, stat.ModifiedNanoseconds, stat.ChangedNanoseconds, hash, hasXattrs);
            _dirty = true;
        }
    }

    private byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        buffer.Write(Magic);
        Span<byte> number = stackalloc byte[8];
        foreach (var (key, entry) in _entries)
        {
            var keyBytes = FileNameEncoding.Encode(key);
            BinaryPrimitives.WriteInt32BigEndian(number, keyBytes.Length);
            buffer.Write(number[..4]);
            buffer.Write(keyBytes);
            foreach (var value in new[] { (long)entry.Device, (long)entry.Inode, entry.Size, entry.Modified, entry.Changed })
            {
                BinaryPrimitives.WriteInt64BigEndian(number, value);
                buffer.Write(number);
            }

            buffer.Write(entry.Hash);
            buffer.WriteByte(entry.HasXattrs ? (byte)1 : (byte)0);
        }

        return buffer.ToArray();
    }

    private static bool TryParse(ReadOnlySpan<byte> bytes, Dictionary<string, Entry> entries)
    {
        if (!bytes.StartsWith(Magic))
        {
            return false;
        }

        var position = Magic.Length;
        while (position < bytes.Length)
        {
            if (bytes.Length - position < 4)
            {
                return false;
            }

            var keyLength = BinaryPrimitives.ReadInt32BigEndian(bytes[position..]);
            position += 4;
            if (keyLength < 0 || bytes.Length - position < keyLength + (5 * 8) + 32 + 1)
            {
                return false;
            }

            var key = FileNameEncoding.Decode(bytes.Slice(position, keyLength));
            position += keyLength;
            var values = new long[5];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadInt64BigEndian(bytes[position..]);
                position += 8;
            }

            entries[key] = new Entry((ulong)values[0], (ulong)values[1], values[2], values[3], values[4], bytes.Slice(position, 32).ToArray(), bytes[position + 32] != 0);
            position += 32 + 1;
        }

        return true;
    }

    private sealed record Entry(ulong Device, ulong Inode, long Size, long Modified, long Changed, byte[] Hash, bool HasXattrs)
    {
        public bool Matches(FileStat stat) =>
            stat.Device == Device && stat.Inode == Inode && stat.Size == Size && stat.ModifiedNanoseconds == Modified && stat.ChangedNanoseconds == Changed;
    }
}
