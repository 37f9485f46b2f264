namespace Kiln.Runtime.Linux.Containers;

/// <summary>Finds the host's <see cref="CgroupMode"/>, and this process's own cgroups.</summary>
public static class HostCgroups
{
    /// <summary>Where the unified hierarchy is mounted on a cgroup v2 host.</summary>
    public const string UnifiedRoot = "/sys/fs/cgroup";

    private static readonly Lazy<CgroupMode> Cached = new(() => Parse(File.ReadAllLines("/proc/self/mountinfo")));

    // Looked up once per controller: a host with many containers has thousands of mounts, and a process keeps its cgroups.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> OwnV1 = new(StringComparer.Ordinal);

    public static CgroupMode Mode => Cached.Value;

    /// <summary>
    /// This process's cgroup directory in the cgroup v1 hierarchy of <paramref name="controller"/> (pids, memory, cpu,
    /// cpuset), where kiln makes a step's cgroup, as runc makes a container's by default: under the caller's own, so
    /// the limits of whoever runs kiln (a CI job's) still hold. Null when no hierarchy has that controller.
    /// </summary>
    public static string? OwnV1Directory(string controller) =>
        OwnV1.GetOrAdd(controller, static c => V1Directory(File.ReadLines("/proc/self/mountinfo"), File.ReadLines("/proc/self/cgroup"), c));

    /// <summary>
    /// From mountinfo (the hierarchy's mount point and the cgroup its mount shows as its root) and /proc/self/cgroup
    /// lines ("ID:CONTROLLERS:PATH").
    /// </summary>
    public static string? V1Directory(IEnumerable<string> mountInfo, IEnumerable<string> procCgroup, string controller)
    {
        ArgumentNullException.ThrowIfNull(mountInfo);
        ArgumentNullException.ThrowIfNull(procCgroup);
        string? mountPoint = null;
        string? mountRoot = null;
        foreach (var line in mountInfo)
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 3 >= fields.Length || fields[separator + 1] != "cgroup")
            {
                continue;
            }

            if (fields[separator + 3].Split(',').Contains(controller))
            {
                (mountRoot, mountPoint) = (Unescape(fields[3]), Unescape(fields[4]));
            }
        }

        var own = procCgroup.Select(l => l.Split(':', 3)).FirstOrDefault(f => f.Length == 3 && f[1].Split(',').Contains(controller))?[2];
        if (mountPoint is null || own is null)
        {
            return null;
        }

        // A hierarchy mounted from one of its cgroups (in a container) shows that cgroup as its root.
        if (mountRoot != "/")
        {
            if (own != mountRoot && !own.StartsWith(mountRoot + "/", StringComparison.Ordinal))
            {
                return null;
            }

            own = own[mountRoot!.Length..];
        }

        return mountPoint + own.TrimEnd('/');
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as octal.</summary>
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);

    /// <summary>From mountinfo lines: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER".</summary>
    public static CgroupMode Parse(IEnumerable<string> mountInfo)
    {
        ArgumentNullException.ThrowIfNull(mountInfo);
        string? root = null;
        string? unified = null;
        foreach (var line in mountInfo)
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }

            // Later mounts on the same point hide earlier ones: the last line wins.
            switch (fields[4])
            {
                case "/sys/fs/cgroup":
                    root = fields[separator + 1];
                    break;
                case "/sys/fs/cgroup/unified":
                    unified = fields[separator + 1];
                    break;
                default:
                    break;
            }
        }

        return root == "cgroup2" ? CgroupMode.Unified : unified == "cgroup2" ? CgroupMode.Hybrid : CgroupMode.Legacy;
    }
}
