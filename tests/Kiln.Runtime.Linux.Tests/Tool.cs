using System.Diagnostics;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>
/// Runs a real tool (GNU tar, busybox). They are installed here and in CI: a missing tool fails the test with a clear
/// message, it never skips it.
/// </summary>
internal static class Tool
{
    public static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"required tool \"{file}\" is not installed (the tests need it, also in CI)", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0
                ? output.Result
                : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }

    /// <summary>These tests mount overlays and start containers: they need root, here and in CI.</summary>
    public static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("the sandbox tests need root (overlayfs, crun/runc); run them as root, as CI does");
        }
    }
}
