using System.Collections.Immutable;

namespace Kiln.Differential.Images;

/// <summary>
/// One member of a layer tar as <see cref="LayerTarReader"/> reads it. Names are bytes (Linux file names are), and
/// a regular file's content is reduced to its SHA-256 and, when short, its bytes (for readable reports).
/// </summary>
internal sealed record LayerEntry
{
    public required byte[] Name { get; init; }

    /// <summary>The ustar type flag: '0' file, '1' hard link, '2' symlink, '3' char device, '4' block device, '5' directory, '6' fifo.</summary>
    public required char Type { get; init; }

    /// <summary>Permission bits with setuid, setgid and sticky (<c>07777</c>).</summary>
    public int Mode { get; init; }

    public long Uid { get; init; }

    public long Gid { get; init; }

    public long Size { get; init; }

    /// <summary>Seconds since the epoch; PAX mtimes may carry a fraction, kept as nanoseconds.</summary>
    public long MtimeSeconds { get; init; }

    public int MtimeNanoseconds { get; init; }

    public byte[] LinkName { get; init; } = [];

    public long DeviceMajor { get; init; }

    public long DeviceMinor { get; init; }

    public ImmutableSortedDictionary<string, byte[]> Xattrs { get; init; } = ImmutableSortedDictionary<string, byte[]>.Empty.WithComparers(StringComparer.Ordinal);

    public string ContentSha256 { get; init; } = string.Empty;

    /// <summary>The content itself when it is at most <see cref="LayerTarReader.KeptContentSize"/> bytes, else null.</summary>
    public byte[]? ShortContent { get; init; }
}
