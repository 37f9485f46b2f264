using System.Collections.Immutable;
using Kiln.Content.Paths;

namespace Kiln.Content.Tar;

/// <summary>
/// One tar member, as <see cref="TarReader"/> hands it out (every header extension applied: GNU long names, PAX
/// local and global records, sparse maps) and as <see cref="DeterministicTarWriter"/> writes it.
/// Names are raw bytes because Linux file names are bytes, not text: a name that is not UTF-8 must survive a
/// directory-to-layer round trip unchanged. <see cref="NameText"/> and <see cref="LinkNameText"/> are the names as
/// <see cref="FileNameEncoding"/> carries them, so they name exactly these bytes when they reach the kernel.
/// </summary>
public sealed record TarEntry
{
    public required TarEntryKind Kind { get; init; }

    /// <summary>
    /// Read: exactly as the archive gives it (not cleaned; an extractor must not trust it). Written: relative to the
    /// layer root, without a leading <c>/</c> or <c>./</c>, with no <c>.</c>, <c>..</c> or empty components; a
    /// directory's trailing <c>/</c> is added by the writer.
    /// </summary>
    public required ImmutableArray<byte> Name { get; init; }

    /// <summary>The symlink target, or for a hard link the name of the entry it links to; empty for other kinds.</summary>
    public ImmutableArray<byte> LinkName { get; init; } = [];

    /// <summary>Permission bits including setuid, setgid and sticky (<c>07777</c>); never the file type bits.</summary>
    public int Mode { get; init; }

    public long Uid { get; init; }

    public long Gid { get; init; }

    /// <summary>The owner names an archive carries; the writer never writes them (layers record numeric ids only).</summary>
    public string UserName { get; init; } = string.Empty;

    /// <inheritdoc cref="UserName"/>
    public string GroupName { get; init; } = string.Empty;

    /// <summary>The writer writes whole seconds (sub-second parts are dropped so equal trees give equal bytes).</summary>
    public DateTimeOffset ModificationTime { get; init; } = DateTimeOffset.UnixEpoch;

    public long DeviceMajor { get; init; }

    public long DeviceMinor { get; init; }

    /// <summary>
    /// The file's logical size (for a sparse file the real size, holes included); zero for every kind but
    /// <see cref="TarEntryKind.RegularFile"/>.
    /// </summary>
    public long Size { get; init; }

    public ImmutableArray<TarXattr> Xattrs { get; init; } = [];

    /// <summary>True for GNU sparse files (old GNU 'S' or PAX 0.0/0.1/1.0) read from an archive; the writer does not write them.</summary>
    public bool IsSparse { get; init; }

    /// <summary>Data regions of a sparse file, ascending and non-overlapping; the stored data is their concatenation.</summary>
    public ImmutableArray<SparseRegion> SparseMap { get; init; } = [];

    /// <summary>The bytes stored in the archive for this entry (for a sparse file only the data regions).</summary>
    public long StoredSize => IsSparse ? SparseMap.Sum(region => region.Length) : Size;

    /// <summary><see cref="Name"/> as a string (<see cref="FileNameEncoding"/>), for paths; messages show it through <see cref="FileNameEncoding.Display(string)"/>.</summary>
    public string NameText => Text(Name);

    /// <summary><see cref="LinkName"/> as a string (<see cref="FileNameEncoding"/>).</summary>
    public string LinkNameText => Text(LinkName);

    /// <summary>The bytes of a name kept as a string (<see cref="FileNameEncoding.Encode(string)"/>).</summary>
    public static ImmutableArray<byte> Bytes(string name) => [.. FileNameEncoding.Encode(name)];

    private static string Text(ImmutableArray<byte> bytes) => bytes.IsDefaultOrEmpty ? string.Empty : FileNameEncoding.Decode(bytes.AsSpan());
}
