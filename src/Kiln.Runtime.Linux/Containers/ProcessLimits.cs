using Kiln.Content.Native;
using Kiln.Runtime.Linux.Spec;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// Limits kiln gives containers by default. NOFILE: the runtimes set a container's rlimits from inside it, after
/// capabilities are dropped (CAP_SYS_RESOURCE is not in the default set), so a container cannot get a hard NOFILE
/// limit above the one it inherits from kiln. Kiln raises its own hard limit once (root with CAP_SYS_RESOURCE; this
/// machine drops that capability, so there kiln keeps its hard limit of 20000) and asks for no more than it got.
/// Pids: see <see cref="DefaultPids"/>.
/// </summary>
public static class ProcessLimits
{
    private static readonly Lazy<ulong> NoFile = new(RaiseNoFile);

    // Where neither can be read, the kernel's default pid_max (32768) stands in.
    private static readonly Lazy<long> DefaultPidsCache = new(() =>
        DefaultPidsFor(ReadKernelLimit("/proc/sys/kernel/pid_max"), ReadKernelLimit("/proc/sys/kernel/threads-max")) ?? 32768 * 15 / 100);

    private static long? ReadKernelLimit(string path)
    {
        try
        {
            return long.TryParse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The NOFILE limit to give containers: BuildKit's 1048576, or kiln's own hard limit if it could not be raised.</summary>
    public static ulong ContainerNoFile => NoFile.Value;

    /// <summary>
    /// The pids limit of a RUN step that sets none (<c>--pids-limit</c>): 15% of the tasks this host can have (the
    /// smaller of kernel.pid_max and kernel.threads-max), the share systemd gives each service by default
    /// (DefaultTasksMax=15%). BuildKit sets none, so a fork bomb in a step can take every pid of the host; with this
    /// one it stops where 85% of the host's tasks are left to everything else, while a heavy build (a parallel
    /// compile, a JVM's threads: threads count too) stays far below it. The limit grows with the host, 4915 where
    /// pid_max is 32768 (this one), 629145 where it is 4194304, where a fixed number (podman's 2048) is tight on a
    /// large machine and loose on a small one.
    /// </summary>
    public static long DefaultPids => DefaultPidsCache.Value;

    /// <summary>15% of the smaller of the two kernel limits; null when neither can be read.</summary>
    public static long? DefaultPidsFor(long? pidMax, long? threadsMax) =>
        (pidMax, threadsMax) switch
        {
            (null, null) => null,
            ({ } p, null) => p * 15 / 100,
            (null, { } t) => t * 15 / 100,
            ({ } p, { } t) => Math.Min(p, t) * 15 / 100,
        };

    private static unsafe ulong RaiseNoFile()
    {
        var old = stackalloc ulong[2];
        if (Libc.Prlimit(0, Libc.RlimitNofile, null, old) != 0)
        {
            return RuntimeSpec.NoFileLimit;
        }

        if (old[1] >= RuntimeSpec.NoFileLimit)
        {
            return RuntimeSpec.NoFileLimit;
        }

        var wanted = stackalloc ulong[2];
        wanted[0] = old[0];
        wanted[1] = RuntimeSpec.NoFileLimit;
        return Libc.Prlimit(0, Libc.RlimitNofile, wanted, null) == 0 ? RuntimeSpec.NoFileLimit : old[1];
    }
}
