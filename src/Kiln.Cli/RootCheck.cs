namespace Kiln.Cli;

/// <summary>
/// Whether kiln runs as root (effective uid 0), behind a delegate so that tests reach the "needs root" paths
/// without dropping privileges. Overlayfs mounts and the OCI runtimes kiln drives need it; without it they fail
/// deep inside with EPERM, so commands ask first.
/// </summary>
internal sealed class RootCheck(Func<bool> isRoot)
{
    /// <summary>The real check: <see cref="Environment.IsPrivilegedProcess"/> is <c>geteuid() == 0</c> on Linux.</summary>
    public static RootCheck Real { get; } = new(() => Environment.IsPrivilegedProcess);

    public bool IsRoot => isRoot();

    /// <summary>The one wording of the failure, for every command that needs root.</summary>
    public static string Message(string command) =>
        $"kiln {command} needs root (overlayfs mounts and the OCI runtime); run it as root";
}
