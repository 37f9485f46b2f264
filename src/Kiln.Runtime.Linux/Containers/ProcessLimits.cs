using Kiln.Content.Native;
using Kiln.Runtime.Linux.Spec;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// The runtimes set a container's rlimits from inside it, after capabilities are dropped (CAP_SYS_RESOURCE is not in
/// the default set), so a container cannot get a hard NOFILE limit above the one it inherits from kiln. Kiln raises
/// its own hard limit once (root with CAP_SYS_RESOURCE; this machine drops that capability, so there kiln keeps its
/// hard limit of 20000) and asks for no more than it got.
/// </summary>
public static class ProcessLimits
{
    private static readonly Lazy<ulong> NoFile = new(RaiseNoFile);

    /// <summary>The NOFILE limit to give containers: BuildKit's 1048576, or kiln's own hard limit if it could not be raised.</summary>
    public static ulong ContainerNoFile => NoFile.Value;

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
