using System.Collections.Immutable;
using System.Text;

namespace Kiln.Content.Tar;

/// <summary>
/// What <see cref="DeterministicTarWriter"/> records about one entry. Names are raw bytes because Linux file
/// names are bytes, not text: a name that is not UTF-8 must survive unchanged. Names are relative to the layer
/// root, without a leading <c>/</c> or <c>./</c>, with no <c>.</c>, <c>..</c> or empty components; a
/// directory's trailing <c>/</c> is added by the writer. There are no owner names: layers record numeric ids only.
/// </summary>
public sealed record TarEntryHeader
{
    public required TarEntryKind Kind { get; init; }

    public required ImmutableArray<byte> Name { get; init; }

    /// <summary>The symlink target, or for a hard link the name of the entry written earlier.</summary>
    public ImmutableArray<byte> LinkName { get; init; } = [];

    /// <summary>Permission bits including setuid, setgid and sticky (<c>07777</c>); never the file type bits.</summary>
    public int Mode { get; init; }

    public long Uid { get; init; }

    public long Gid { get; init; }

    /// <summary>Content length; zero for every kind but <see cref="TarEntryKind.RegularFile"/>.</summary>
    public long Size { get; init; }

    /// <summary>Written in whole seconds (sub-second parts are dropped so equal trees give equal bytes).</summary>
    public DateTimeOffset ModificationTime { get; init; } = DateTimeOffset.UnixEpoch;

    public int DeviceMajor { get; init; }

    public int DeviceMinor { get; init; }

    public ImmutableArray<TarXattr> Xattrs { get; init; } = [];

    /// <summary>The UTF-8 bytes of a name written as text.</summary>
    public static ImmutableArray<byte> Utf8(string name) => [.. Encoding.UTF8.GetBytes(name)];
}
