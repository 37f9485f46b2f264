using System.Globalization;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Ports;

/// <summary>
/// A <c>RUN --mount</c> the executor sets up for one run: a cache mount (a directory kept between builds under
/// <paramref name="CacheId"/>) or a tmpfs, at an absolute <paramref name="Target"/>. Neither's content reaches the layer.
/// </summary>
/// <param name="Mode">Permission bits of a new cache directory (BuildKit's default 0755).</param>
/// <param name="SizeLimit">tmpfs size= in bytes; null = the kernel's default.</param>
public sealed record ExecMount(
    MountType Type,
    string Target,
    bool ReadOnly,
    string? CacheId,
    MountSharing Sharing,
    uint Mode,
    uint Uid,
    uint Gid,
    long? SizeLimit)
{
    /// <summary>
    /// What the cache key records: every option that changes what the command sees when it starts, not the cache's
    /// content (a cache mount is reused whatever it holds, as BuildKit does).
    /// </summary>
    public string KeyText => Type == MountType.Tmpfs
        ? string.Create(CultureInfo.InvariantCulture, $"tmpfs target={Target} ro={ReadOnly} size={SizeLimit}")
        : string.Create(CultureInfo.InvariantCulture, $"cache target={Target} ro={ReadOnly} id={CacheId} sharing={Sharing} mode={Convert.ToString(Mode, 8)} uid={Uid} gid={Gid}");
}
