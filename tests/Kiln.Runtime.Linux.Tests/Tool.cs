using System.Text;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>
/// Runs a real tool (GNU tar, busybox). They are installed here and in CI: a missing tool fails the test with a clear
/// message, it never skips it.
/// </summary>
internal static class Tool
{
    public static string Run(string file, params string[] arguments) => Encoding.UTF8.GetString(Tools.RunBytes(file, arguments));

    /// <summary>These tests mount overlays and start containers: they need root, here and in CI.</summary>
    public static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("the sandbox tests need root (overlayfs, crun/runc); run them as root, as CI does");
        }
    }
}
