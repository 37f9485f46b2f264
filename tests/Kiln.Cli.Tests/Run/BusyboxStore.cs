namespace Kiln.Cli.Tests.Run;

/// <summary>
/// A temp store with a busybox image made the way the README makes one: Debian's busybox-static and GNU tar, then
/// <c>kiln import</c> (with a WORKDIR and a CMD). Needs root, tar and busybox, here and in CI.
/// </summary>
internal sealed class BusyboxStore : IDisposable
{
    public const string Image = "busybox-test:latest";

    public BusyboxStore()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("kiln run/cp tests need root (overlayfs, crun/runc), here and in CI");
        }

        Path = Directory.CreateTempSubdirectory("kiln-cli-run-").FullName;
        var rootfs = System.IO.Path.Combine(Path, "rootfs");
        foreach (var sub in new[] { "bin", "etc", "srv/app/sub", "tmp" })
        {
            Directory.CreateDirectory(System.IO.Path.Combine(rootfs, sub));
        }

        File.Copy("/bin/busybox", System.IO.Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "echo", "cat", "ls", "id", "pwd", "env", "true", "false" })
        {
            File.CreateSymbolicLink(System.IO.Path.Combine(rootfs, "bin", applet), "busybox");
        }

        File.WriteAllText(System.IO.Path.Combine(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
        File.WriteAllText(System.IO.Path.Combine(rootfs, "srv", "app", "hello.txt"), "hello from the image\n");
        File.WriteAllText(System.IO.Path.Combine(rootfs, "srv", "app", "sub", "run.sh"), "#!/bin/sh\necho run\n");
        File.CreateSymbolicLink(System.IO.Path.Combine(rootfs, "srv", "app", "link"), "hello.txt");
        Exec("chmod", "0750", System.IO.Path.Combine(rootfs, "srv", "app", "sub", "run.sh"));
        var tar = System.IO.Path.Combine(Path, "rootfs.tar");
        Exec("tar", "--numeric-owner", "--owner=0", "--group=0", "-C", rootfs, "-cf", tar, ".");
        var import = Run("import", "--change", "WORKDIR /srv/app", "--change", "ENV GREETING=hi", "--change", "CMD [\"cat\", \"hello.txt\"]", tar, Image);
        if (import.ExitCode != 0)
        {
            throw new InvalidOperationException($"kiln import failed: {import.Error}");
        }
    }

    public string Path { get; }

    /// <summary>--root first: everything after the image of a run belongs to the container.</summary>
    public CliRun Run(params string[] args) => CliRun.Of(["--root", Path, .. args]);

    /// <summary>Mount points under this store, from /proc/self/mountinfo.</summary>
    public IReadOnlyList<string> Mounts() =>
        [.. File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(Path, StringComparison.Ordinal))];

    public void Dispose()
    {
        if (Mounts().Count == 0)
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    public static string Exec(string file, params string[] arguments) => Build.BusyboxBase.Exec(file, arguments);
}
