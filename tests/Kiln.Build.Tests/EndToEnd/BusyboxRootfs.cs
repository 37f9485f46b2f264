using System.Diagnostics;
using Kiln.Content.Archives;
using Kiln.Content.Images;
using Kiln.Oci;

namespace Kiln.Build.Tests.EndToEnd;

/// <summary>
/// A base image from Debian's busybox-static (<c>/bin/busybox</c>, every applet a symlink, <c>/etc/passwd</c>, an
/// empty <c>/dev</c> as many images have), packed with GNU tar and imported into a store. Both tools are installed
/// here and in CI: a missing one fails the test.
/// </summary>
internal static class BusyboxRootfs
{
    public static async Task ImportAsync(ImageStore images, string name, string scratchDirectory)
    {
        var rootfs = Path.Combine(scratchDirectory, "busybox-rootfs");
        foreach (var sub in new[] { "bin", "etc", "dev", "tmp", "root" })
        {
            Directory.CreateDirectory(Path.Combine(rootfs, sub));
        }

        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in Run("/bin/busybox", "--list").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (applet != "busybox")
            {
                File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
            }
        }

        await File.WriteAllTextAsync(Path.Combine(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        var tar = Path.Combine(scratchDirectory, "busybox.tar");
        Run("tar", "--numeric-owner", "--owner=0", "--group=0", "-C", rootfs, "-cf", tar, ".");
        var stream = File.OpenRead(tar);
        await using (stream)
        {
            await RootfsImporter.ImportAsync(
                images,
                stream,
                new ImportRequest(ImageReference.ParseNormalized(name), OciPlatform.Host, new ContainerConfig { Env = ["PATH=/bin"] }, "busybox.tar", OciTimestamp.FromUnixSeconds(1_700_000_000)),
                CancellationToken.None);
        }
    }

    public static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output.Result
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
    }
}
