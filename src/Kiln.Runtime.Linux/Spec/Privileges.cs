using System.Collections.Immutable;
using System.Globalization;
using Kiln.Content.Native;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>
/// What a privileged run (<c>RUN --security=insecure</c>) gets, as BuildKit's insecure mode gives it: every
/// capability kiln itself holds (a runtime cannot grant more), and the host's device nodes.
/// </summary>
public static class Privileges
{
    // linux/capability.h, by number.
    private static readonly string[] CapabilityNames =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ];

    // containerd's HostDevices leaves these out: they are mounts of their own, or per-process.
    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.Ordinal) { "pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev" };

    /// <summary>The capabilities in kiln's own effective set (<c>CapEff</c> of /proc/self/status), by name.</summary>
    public static ImmutableArray<string> CurrentCapabilities()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        var mask = ulong.Parse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return [.. CapabilityNames.Where((_, bit) => (mask & (1UL << bit)) != 0).Select(name => "CAP_" + name)];
    }

    /// <summary>The character and block devices under <paramref name="root"/> (the host's /dev), as the container's.</summary>
    public static ImmutableArray<OciDevice> HostDevices(string root = "/dev")
    {
        var devices = ImmutableArray.CreateBuilder<OciDevice>();
        Collect(root, root, devices);
        return devices.ToImmutable();
    }

    private static void Collect(string root, string directory, ImmutableArray<OciDevice>.Builder devices)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!StatxAt.TryGetPath(path, LinuxFlags.AtSymlinkNoFollow, LinuxFlags.StatxBasicStats, out var stat))
            {
                continue; // gone meanwhile
            }

            var type = stat.Mode & LinuxFlags.SIfMt;
            if (type == LinuxFlags.SIfDir)
            {
                if (directory == root && SkippedDirectories.Contains(name))
                {
                    continue;
                }

                Collect(root, path, devices);
            }
            else if ((type == LinuxFlags.SIfChr || type == LinuxFlags.SIfBlk) && name != "console")
            {
                var container = "/dev/" + Path.GetRelativePath(root, path);
                devices.Add(new OciDevice(container, type == LinuxFlags.SIfChr ? "c" : "b", stat.RdevMajor, stat.RdevMinor, stat.Mode & 0xFFFu, stat.Uid, stat.Gid));
            }
        }
    }
}
