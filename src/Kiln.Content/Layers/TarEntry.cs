using System.Collections.Immutable;

namespace Kiln.Content.Layers;

/// <summary>
/// One archive member with every header extension applied (GNU long names, PAX local and global records, sparse maps).
/// The data is read through <see cref="TarReader.OpenData"/> while this is the current entry.
/// </summary>
public sealed record TarEntry
{
    /// <summary>The name exactly as the archive gives it (not cleaned; a layer extractor must not trust it).</summary>
    public required string Name { get; init; }

    public required TarEntryType Type { get; init; }

    /// <summary>Permission bits including setuid, setgid and sticky (07777).</summary>
    public int Mode { get; init; }

    public long Uid { get; init; }

    public long Gid { get; init; }

    public string UserName { get; init; } = string.Empty;

    public string GroupName { get; init; } = string.Empty;

    public DateTimeOffset ModificationTime { get; init; }

    /// <summary>Target of a symlink or hardlink; empty for other types.</summary>
    public string LinkName { get; init; } = string.Empty;

    public long DeviceMajor { get; init; }

    public long DeviceMinor { get; init; }

    /// <summary>The file's logical size (for a sparse file the real size, holes included).</summary>
    public long Size { get; init; }

    /// <summary>The bytes stored in the archive for this entry (for a sparse file only the data regions).</summary>
    public long StoredSize { get; init; }

    public ImmutableArray<TarXattr> Xattrs { get; init; } = [];

    /// <summary>True for GNU sparse files (old GNU 'S' or PAX 0.0/0.1/1.0); then <see cref="SparseMap"/> applies.</summary>
    public bool IsSparse { get; init; }

    /// <summary>Data regions of a sparse file, ascending and non-overlapping; the stored data is their concatenation.</summary>
    public ImmutableArray<SparseRegion> SparseMap { get; init; } = [];
}
