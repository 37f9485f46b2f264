using System.Collections.Immutable;
using System.Globalization;
using Kiln.Runtime.Linux.Spec;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// The cgroup of one container with limits (<c>kiln build --memory</c>, <c>--cpus</c>, <c>--pids-limit</c>, ...),
/// made by kiln, and what the kernel counted in it: the processes the OOM killer killed and the forks the pids limit
/// refused, read after the container ends and before the cgroup is removed.
/// </summary>
/// <remarks>
/// <para>
/// cgroup v1: kiln makes <c>OWN/ID</c> in each hierarchy a limit needs (pids, memory, cpu, cpuset; OWN is kiln's own
/// cgroup there, as runc's default path is, so the limits of whoever runs kiln still hold) and writes the limits into
/// it. The container's processes are put straight into it: crun runs without a cgroup manager from a launcher thread
/// that joined it first, runc uses that very path by default and keeps it (<c>run --keep</c>) until kiln has read it.
/// The runtime is not left to make the cgroup because crun 1.8 (Debian 12's) removes it with the container, and v1's
/// counters are not hierarchical (an OOM kill is counted in the victim's cgroup, a refused fork in the forking one),
/// so a parent cgroup kiln kept would show nothing.
/// </para>
/// <para>
/// cgroup v2: the runtime applies the limits from the spec (<c>linux.resources</c>, which it converts to v2's files)
/// to the cgroup it makes at <see cref="RuntimePath"/>, <c>/kiln/ID/run</c>. Kiln makes <c>/kiln/ID</c> around it:
/// its <c>memory.events</c> (and <c>pids.events</c>, where the kernel counts those up the tree) count what happens in
/// the whole subtree, and it outlives the runtime's cgroup.
/// </para>
/// </remarks>
public sealed class StepCgroup : IDisposable
{
    private const string V2Parent = "kiln";

    private readonly ImmutableArray<string> _directories;
    private readonly string? _memory;
    private readonly string? _pids;
    private bool _disposed;

    private StepCgroup(CgroupMode mode, ImmutableArray<string> directories, string? memory, string? pids, string? runtimePath, ResourceLimits limits)
    {
        Mode = mode;
        _directories = directories;
        _memory = memory;
        _pids = pids;
        RuntimePath = runtimePath;
        Limits = limits;
    }

    public CgroupMode Mode { get; }

    /// <summary>cgroup v1: the container's processes go in the cgroup itself (<see cref="EnterCurrentThread"/>).</summary>
    public bool IsV1 => Mode != CgroupMode.Unified;

    /// <summary>cgroup v2: the spec's <c>cgroupsPath</c>, the runtime's cgroup under kiln's; null on v1.</summary>
    public string? RuntimePath { get; }

    /// <summary>The limits that hold: those asked for, less a default pids limit the host could not take.</summary>
    public ResourceLimits Limits { get; }

    /// <summary>
    /// Makes the cgroup for container <paramref name="id"/> with <paramref name="limits"/>, or returns null when there
    /// is nothing to limit, or only kiln's default pids limit and the host has no pids cgroup to give (the step then
    /// runs as before, unlimited).
    /// </summary>
    /// <param name="id">The container's id.</param>
    /// <param name="limits">The limits.</param>
    /// <param name="runtimeTasks">
    /// Tasks of the runtime's own that wait in a v1 cgroup beside the container's (crun, see
    /// <see cref="ContainerRunner.RuntimeTasksInStepCgroup"/>): the pids limit is raised by as many, so that the step
    /// itself gets the number asked for, as under runc (which waits outside).
    /// </param>
    /// <exception cref="CgroupLimitException">A limit the user asked for cannot be applied here.</exception>
    public static StepCgroup? Create(string id, ResourceLimits limits, int runtimeTasks)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(limits);
        if (limits.IsEmpty)
        {
            return null;
        }

        return HostCgroups.Mode == CgroupMode.Unified ? CreateV2(id, limits) : CreateV1(id, limits, runtimeTasks);
    }

    /// <summary>
    /// Removes the cgroups of containers (ids starting with <paramref name="prefix"/>) whose kiln is gone: SIGKILL on
    /// kiln leaves them, empty once the runtime has deleted the container.
    /// </summary>
    public static void RemoveStale(string prefix, Func<string, bool> isStale)
    {
        ArgumentNullException.ThrowIfNull(isStale);
        var parents = HostCgroups.Mode == CgroupMode.Unified
            ? [Path.Combine(HostCgroups.UnifiedRoot, V2Parent)]
            : ControllerNames.Select(HostCgroups.OwnV1Directory).OfType<string>();
        foreach (var parent in parents.Where(Directory.Exists))
        {
            foreach (var directory in Directory.EnumerateDirectories(parent, prefix + "*"))
            {
                if (isStale(Path.GetFileName(directory)))
                {
                    RemoveDirectory(Path.Combine(directory, "run"));
                    RemoveDirectory(directory);
                }
            }
        }
    }

    /// <summary>cgroup v1: moves the calling thread (alone, not its process) into the cgroup; what it starts next starts there.</summary>
    public void EnterCurrentThread()
    {
        if (!IsV1)
        {
            throw new InvalidOperationException("a cgroup v2 cgroup takes whole processes; the runtime puts the container in it");
        }

        foreach (var directory in _directories)
        {
            // "0" is the writing thread (cgroups.txt, "tasks").
            File.WriteAllText(Path.Combine(directory, "tasks"), "0");
        }
    }

    /// <summary>How many processes the OOM killer killed in the cgroup, and how many forks its pids limit refused.</summary>
    public (long OomKills, long ForksRefused) ReadCounts() =>
        (_memory is null ? 0 : Counter(Path.Combine(_memory, IsV1 ? "memory.oom_control" : "memory.events"), "oom_kill"),
         _pids is null ? 0 : Counter(Path.Combine(_pids, "pids.events"), "max"));

    /// <summary>Removes the cgroup, waiting a moment for the last killed processes to leave it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var directory in _directories)
        {
            if (!IsV1)
            {
                RemoveDirectory(Path.Combine(directory, "run"));
            }

            RemoveDirectory(directory);
        }
    }

    private static readonly ImmutableArray<string> ControllerNames = ["pids", "memory", "cpu", "cpuset"];

    private static StepCgroup? CreateV1(string id, ResourceLimits limits, int runtimeTasks)
    {
        var made = new List<string>();
        string? memory = null, pids = null;
        try
        {
            if (limits.Pids is { } maximum)
            {
                pids = MakeV1("pids", id, made, optional: limits.PidsIsDefault);
                if (pids is not null)
                {
                    Write(pids, "pids.max", maximum < 0 ? "max" : Number(maximum + runtimeTasks));
                }
                else
                {
                    limits = limits with { Pids = null, PidsIsDefault = false };
                    if (limits.IsEmpty)
                    {
                        return null;
                    }
                }
            }

            if (limits.NeedsMemory)
            {
                memory = MakeV1("memory", id, made, optional: false)!;
                if (limits.Memory is { } bytes)
                {
                    Write(memory, "memory.limit_in_bytes", Number(bytes));
                }

                if (limits.MemorySwap is { } swap)
                {
                    if (!File.Exists(Path.Combine(memory, "memory.memsw.limit_in_bytes")))
                    {
                        throw new CgroupLimitException("a swap limit needs the kernel's swap accounting (memory.memsw.* files), which this host does not have");
                    }

                    Write(memory, "memory.memsw.limit_in_bytes", Number(swap));
                }
            }

            if (limits.NeedsCpu)
            {
                var cpu = MakeV1("cpu", id, made, optional: false)!;
                if (limits.CpuShares is { } shares)
                {
                    Write(cpu, "cpu.shares", Number((long)shares));
                }

                if (limits.CpuPeriod is { } period)
                {
                    Write(cpu, "cpu.cfs_period_us", Number((long)period));
                }

                if (limits.CpuQuota is { } quota)
                {
                    Write(cpu, "cpu.cfs_quota_us", Number(quota));
                }
            }

            if (limits.NeedsCpuset)
            {
                // A new v1 cpuset has no CPUs and no memory nodes: what is not asked for is the parent's.
                var cpuset = MakeV1("cpuset", id, made, optional: false)!;
                var parent = Path.GetDirectoryName(cpuset)!;
                Write(cpuset, "cpuset.cpus", limits.CpusetCpus ?? File.ReadAllText(Path.Combine(parent, "cpuset.cpus")).Trim());
                Write(cpuset, "cpuset.mems", limits.CpusetMems ?? File.ReadAllText(Path.Combine(parent, "cpuset.mems")).Trim());
            }

            var cgroup = new StepCgroup(CgroupMode.Legacy, [.. made], memory, pids, null, limits);
            made.Clear();
            return cgroup;
        }
        finally
        {
            foreach (var directory in made)
            {
                RemoveDirectory(directory);
            }
        }
    }

    /// <summary>Makes OWN/ID in the controller's hierarchy; null, for an optional limit, where that cannot be done.</summary>
    private static string? MakeV1(string controller, string id, List<string> made, bool optional)
    {
        var own = HostCgroups.OwnV1Directory(controller);
        if (own is null)
        {
            return optional ? null : throw new CgroupLimitException($"the {controller} limit needs the {controller} cgroup controller, which this host does not have mounted");
        }

        var directory = Path.Combine(own, id);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return optional ? null : throw new CgroupLimitException($"cannot make the step's cgroup {directory}: {e.Message}", e);
        }

        made.Add(directory);
        return directory;
    }

    private static StepCgroup? CreateV2(string id, ResourceLimits limits)
    {
        var root = HostCgroups.UnifiedRoot;
        var available = ReadWords(Path.Combine(root, "cgroup.controllers"));
        if (limits.Pids is not null && limits.PidsIsDefault && !available.Contains("pids"))
        {
            limits = limits with { Pids = null, PidsIsDefault = false };
            if (limits.IsEmpty)
            {
                return null;
            }
        }

        var needed = new List<string>();
        if (limits.Pids is not null)
        {
            needed.Add("pids");
        }

        if (limits.NeedsMemory)
        {
            needed.Add("memory");
        }

        if (limits.NeedsCpu)
        {
            needed.Add("cpu");
        }

        if (limits.NeedsCpuset)
        {
            needed.Add("cpuset");
        }

        if (needed.FirstOrDefault(c => !available.Contains(c)) is { } missing)
        {
            throw new CgroupLimitException($"the {missing} limit needs the {missing} cgroup controller, which this host's cgroup v2 hierarchy does not offer");
        }

        // Each level must hand the controllers down to the next (cgroup-v2.rst, "Enabling and Disabling"); the runtime
        // makes the last level, the container's own cgroup.
        var parent = Path.Combine(root, V2Parent);
        var directory = Path.Combine(parent, id);
        try
        {
            Enable(root, needed);
            Directory.CreateDirectory(parent);
            Enable(parent, needed);
            Directory.CreateDirectory(directory);
            Enable(directory, needed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RemoveDirectory(directory);
            if (limits.IsOptional)
            {
                return null;
            }

            throw new CgroupLimitException($"cannot make the step's cgroup {directory} with the {string.Join(", ", needed)} controllers: {e.Message}", e);
        }

        return new StepCgroup(
            CgroupMode.Unified,
            [directory],
            limits.NeedsMemory ? directory : null,
            limits.Pids is not null ? directory : null,
            $"/{V2Parent}/{id}/run",
            limits);
    }

    private static void Enable(string directory, List<string> controllers)
    {
        var enabled = ReadWords(Path.Combine(directory, "cgroup.subtree_control"));
        foreach (var controller in controllers.Where(c => !enabled.Contains(c)))
        {
            File.WriteAllText(Path.Combine(directory, "cgroup.subtree_control"), "+" + controller);
        }
    }

    private static HashSet<string> ReadWords(string path)
    {
        try
        {
            return [.. File.ReadAllText(path).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static void Write(string directory, string file, string value)
    {
        try
        {
            File.WriteAllText(Path.Combine(directory, file), value);
        }
        catch (IOException e)
        {
            throw new CgroupLimitException($"the kernel refused {value} for {file}: {e.Message}", e);
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The value of <paramref name="key"/> in a flat-keyed file ("KEY VALUE" lines); 0 when absent.</summary>
    private static long Counter(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var fields = line.Split(' ');
                if (fields.Length == 2 && fields[0] == key && long.TryParse(fields[1], CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>rmdir, retried while the cgroup still has (dying) processes; gone already is fine.</summary>
    private static void RemoveDirectory(string directory)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Delete(directory);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException) when (attempt < 100)
            {
                Thread.Sleep(20);
            }
            catch (IOException)
            {
                return; // still busy after 2 s: the next kiln removes it as stale
            }
        }
    }
}
