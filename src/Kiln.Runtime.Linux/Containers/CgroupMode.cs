namespace Kiln.Runtime.Linux.Containers;

/// <summary>The host's cgroup hierarchy, as <c>/proc/self/mountinfo</c> shows it.</summary>
public enum CgroupMode
{
    /// <summary>cgroup v2 mounted on <c>/sys/fs/cgroup</c>.</summary>
    Unified,

    /// <summary>cgroup v1 controllers, with cgroup v2 on <c>/sys/fs/cgroup/unified</c> (systemd's hybrid layout).</summary>
    Hybrid,

    /// <summary>cgroup v1 only, or nothing mounted.</summary>
    Legacy,
}
