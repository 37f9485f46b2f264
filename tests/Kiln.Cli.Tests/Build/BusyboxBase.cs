using System.Diagnostics;

namespace Kiln.Cli.Tests.Build;

/// <summary>
/// Debian's busybox-static as a rootfs tar, made once per test class the way scripts/base-images makes it (every
/// applet, a minimal /etc/passwd and /etc/group, GNU tar); each test imports it into a store of its own. The builds
/// need root (overlayfs), crun or runc, busybox and GNU tar: here and in CI they are required, never skipped.
/// </summary>
public sealed class BusyboxBase : IDisposable
{
    public BusyboxBase()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("end-to-end builds need root (overlayfs, crun/runc), here and in CI");
        }

        Directory = System.IO.Directory.CreateTempSubdirectory("kiln-e2e-base-").FullName;
        var rootfs = Path.Combine(Directory, "rootfs");
        foreach (var sub in new[] { "bin", "sbin", "usr/bin", "usr/sbin", "etc", "tmp", "root" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(rootfs, sub));
        }

        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in Exec("/bin/busybox", "--list-full").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var target = Path.Combine(rootfs, applet);
            if (applet != "bin/busybox" && !File.Exists(target))
            {
                File.CreateSymbolicLink(target, "/bin/busybox");
            }
        }

        File.WriteAllText(Path.Combine(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        File.WriteAllText(Path.Combine(rootfs, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
        Tar = Path.Combine(Directory, "busybox-rootfs.tar");
        Exec("tar", "--numeric-owner", "--owner=0", "--group=0", "-C", rootfs, "-cf", Tar, ".");
    }

    public string Directory { get; }

    public string Tar { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    public static string Exec(string file, params string[] arguments)
    {
        var (exitCode, output, error) = TryExec(file, arguments);
        return exitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({exitCode}): {error}");
    }

    public static (int ExitCode, string Output, string Error) TryExec(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"required tool {file} could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }
}
