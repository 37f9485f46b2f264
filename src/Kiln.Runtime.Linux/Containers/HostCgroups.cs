namespace Kiln.Runtime.Linux.Containers;

/// <summary>Finds the host's <see cref="CgroupMode"/>.</summary>
public static class HostCgroups
{
    private static readonly Lazy<CgroupMode> Cached = new(() => Parse(File.ReadAllLines("/proc/self/mountinfo")));

    public static CgroupMode Mode => Cached.Value;

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
