using System.Collections.Immutable;
using System.Text.Json;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>
/// Generates a container's <c>config.json</c> the way docker and BuildKit set up a RUN step: the same mounts,
/// capabilities, masked and read-only paths, and NOFILE limit.
/// </summary>
/// <remarks>
/// Defaults follow containerd's <c>oci.populateDefaultUnixSpec</c> and moby's <c>oci.DefaultLinuxSpec</c>, which
/// BuildKit's RUN uses too. <c>/sys/fs/cgroup</c> is not mounted: on cgroup v1 hybrid hosts the cgroup mount is
/// what crun refuses, and a build step has no use for it.
/// </remarks>
public static class RuntimeSpec
{
    /// <summary>The PATH docker gives a container whose image sets none.</summary>
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>BuildKit's RLIMIT_NOFILE for RUN (and containerd's default).</summary>
    public const ulong NoFileLimit = 1048576;

    /// <summary>docker's default capability set (moby oci/caps/defaults.go), the one BuildKit's RUN gets too.</summary>
    public static ImmutableArray<string> DefaultCapabilities { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>docker's masked paths (moby oci/defaults.go): kernel information a container has no business reading.</summary>
    public static ImmutableArray<string> MaskedPaths { get; } =
    [
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ];

    public static ImmutableArray<string> ReadonlyPaths { get; } =
        ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    public static OciSpec Create(SandboxSpec sandbox)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        if (sandbox.Args.IsDefaultOrEmpty)
        {
            throw new ArgumentException("a container needs a command", nameof(sandbox));
        }

        var mounts = ImmutableArray.CreateBuilder<OciMount>();
        mounts.Add(new("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]));
        mounts.Add(new("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]));
        mounts.Add(new("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]));
        var shm = sandbox.ShmSize is { } bytes ? "size=" + bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) : "size=65536k";
        mounts.Add(new("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", shm]));
        mounts.Add(new("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]));

        // We run as root, so a fresh sysfs can be mounted (read-only, unless privileged) whatever the network namespace.
        mounts.Add(new("/sys", "sysfs", "sysfs", sandbox.Privileged ? ["nosuid", "noexec", "nodev", "rw"] : ["nosuid", "noexec", "nodev", "ro"]));
        if (sandbox.HostsFile is { } hosts)
        {
            mounts.Add(new("/etc/hosts", "bind", hosts, ["rbind", "ro"]));
        }

        if (sandbox.ResolvConfFile is { } resolvConf)
        {
            mounts.Add(new("/etc/resolv.conf", "bind", resolvConf, ["rbind", "ro"]));
        }

        foreach (var volume in sandbox.Volumes.IsDefault ? [] : sandbox.Volumes)
        {
            var access = volume.ReadOnly ? "ro" : "rw";
            if (volume.HostPath is { } host)
            {
                mounts.Add(new(volume.Target, "bind", host, ["rbind", access]));
            }
            else
            {
                // BuildKit's tmpfs mount: nosuid, nodev, and size= when given.
                string[] options = volume.TmpfsSize is { } size
                    ? ["nosuid", "nodev", access, "size=" + size.ToString(System.Globalization.CultureInfo.InvariantCulture)]
                    : ["nosuid", "nodev", access];
                mounts.Add(new(volume.Target, "tmpfs", "tmpfs", [.. options]));
            }
        }

        foreach (var bind in sandbox.ReadOnlyBinds.IsDefault ? [] : sandbox.ReadOnlyBinds)
        {
            mounts.Add(new(bind.Destination, "bind", bind.Source, ["rbind", "ro"]));
        }

        var namespaces = ImmutableArray.CreateBuilder<OciNamespace>();
        namespaces.Add(new("pid"));
        namespaces.Add(new("ipc"));
        namespaces.Add(new("uts"));
        namespaces.Add(new("mount"));
        if (sandbox.Network == NetworkMode.None)
        {
            namespaces.Add(new("network"));
        }

        var granted = sandbox.Privileged ? Privileges.CurrentCapabilities() : DefaultCapabilities;
        var capabilities = new OciCapabilities(granted, granted, granted);
        return new OciSpec(
            "1.0.2",
            new OciProcess(
                Terminal: false,
                new OciUser(sandbox.Uid, sandbox.Gid, sandbox.AdditionalGids.IsDefault ? [] : sandbox.AdditionalGids),
                sandbox.Args,
                sandbox.Env.IsDefault ? [] : sandbox.Env,
                sandbox.Cwd,
                capabilities,
                Rlimits(sandbox),
                NoNewPrivileges: false),
            new OciRoot(sandbox.RootPath, ReadOnly: false),
            sandbox.Hostname,
            mounts.ToImmutable(),
            (sandbox.Privileged
                ? new OciLinux(namespaces.ToImmutable(), [], []) { Devices = Privileges.HostDevices() }
                : new OciLinux(namespaces.ToImmutable(), MaskedPaths, ReadonlyPaths))
            with
            {
                Resources = Resources(sandbox),
                CgroupsPath = sandbox.CgroupsPath,
            });
    }

    /// <summary>A privileged run's device rules and the limits, or null when there are neither.</summary>
    private static OciResources? Resources(SandboxSpec sandbox)
    {
        var limits = sandbox.Resources ?? ResourceLimits.None;
        if (!sandbox.Privileged && limits.IsEmpty)
        {
            return null;
        }

        return new OciResources
        {
            Devices = sandbox.Privileged ? [new OciDeviceRule(true, "rwm")] : default,
            Memory = limits.NeedsMemory ? new OciMemory { Limit = limits.Memory, Swap = limits.MemorySwap } : null,
            Cpu = limits.NeedsCpu || limits.NeedsCpuset
                ? new OciCpu { Shares = limits.CpuShares, Quota = limits.CpuQuota, Period = limits.CpuPeriod, Cpus = limits.CpusetCpus, Mems = limits.CpusetMems }
                : null,
            Pids = limits.Pids is { } pids ? new OciPids(pids) : null,
        };
    }

    /// <summary>kiln's RLIMIT_NOFILE unless the run sets that one itself, then the run's.</summary>
    private static ImmutableArray<OciRlimit> Rlimits(SandboxSpec sandbox)
    {
        var extra = sandbox.Rlimits.IsDefault ? [] : sandbox.Rlimits;
        return extra.Any(r => r.Type == "RLIMIT_NOFILE")
            ? extra
            : [new OciRlimit("RLIMIT_NOFILE", sandbox.NoFileLimit, sandbox.NoFileLimit), .. extra];
    }

    public static byte[] Serialize(OciSpec spec) => JsonSerializer.SerializeToUtf8Bytes(spec, RuntimeSpecJsonContext.Default.OciSpec);

    /// <summary>
    /// An image's environment with docker's additions: PATH when the image sets none, HOME from the user's passwd
    /// entry ("/" without one) when neither the image nor the caller sets it, HOSTNAME.
    /// </summary>
    public static ImmutableArray<string> DefaultEnvironment(IEnumerable<string> env, string? home, string? hostname)
    {
        ArgumentNullException.ThrowIfNull(env);
        var result = env.ToList();
        bool Has(string key) => result.Exists(e => e.StartsWith(key + "=", StringComparison.Ordinal));
        if (!Has("PATH"))
        {
            result.Insert(0, DefaultPath);
        }

        if (hostname is not null && !Has("HOSTNAME"))
        {
            result.Add("HOSTNAME=" + hostname);
        }

        if (!Has("HOME"))
        {
            result.Add("HOME=" + (string.IsNullOrEmpty(home) ? "/" : home));
        }

        return [.. result];
    }
}
