using System.Diagnostics;
using System.Globalization;
using Kiln.Content.Archives;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Snapshots;
using Kiln.Runtime.Linux.Spec;

// Usage: dotnet run -c Release --project bench/Kiln.Bench.Sandbox [iterations]
// Measures, for crun and runc: (a) a RUN in an existing sandbox (bundle, config.json, runtime run, stub cleanup),
// without and with kiln's default pids limit (a cgroup for the step), (b) a whole step: overlay mount + RUN + unmount
// with the layer already unpacked; and the command itself (busybox true started directly) for reference.
var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
var work = Directory.CreateTempSubdirectory("kiln-bench-sandbox-").FullName;
try
{
    var rootfs = Path.Combine(work, "rootfs");
    Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
    Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
    File.Copy("/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
    File.CreateSymbolicLink(Path.Combine(rootfs, "bin", "true"), "busybox");
    File.CreateSymbolicLink(Path.Combine(rootfs, "bin", "sh"), "busybox");
    File.WriteAllText(Path.Combine(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    var tar = Path.Combine(work, "rootfs.tar");
    using (var p = Process.Start("tar", ["--numeric-owner", "-C", rootfs, "-cf", tar, "."]))
    {
        p.WaitForExit();
    }

    var root = new StoreRoot(Path.Combine(work, "store"));
    var content = ContentStore.Open(root);
    var images = ImageStore.Open(content);
    await using (var stream = File.OpenRead(tar))
    {
        await RootfsImporter.ImportAsync(images, stream, new ImportRequest(ImageReference.ParseNormalized("bench:latest"), OciPlatform.Host, new ContainerConfig(), "bench", OciTimestamp.FromUnixSeconds(0)), CancellationToken.None);
    }

    var image = await images.LoadAsync(await images.ResolveAsync("bench:latest", CancellationToken.None), CancellationToken.None);
    var snapshots = SnapshotStore.Open(root);
    var run = new SandboxRun { Args = ["/bin/true"], Hostname = "bench" };
    var io = new ContainerIo();

    // A bundle over the plain rootfs directory, for the runtime's own share of a RUN.
    var bundle = Path.Combine(work, "bundle");
    Directory.CreateDirectory(bundle);
    File.WriteAllBytes(Path.Combine(bundle, "config.json"), RuntimeSpec.Serialize(RuntimeSpec.Create(new SandboxSpec { RootPath = rootfs, Args = ["/bin/true"], Hostname = "bench", NoFileLimit = ProcessLimits.ContainerNoFile })));

    Console.WriteLine($"iterations {iterations}, load average {File.ReadAllText("/proc/loadavg").Trim()}, cgroups {HostCgroups.Mode}");
    Report("busybox true, started directly", Measure(iterations, () =>
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/busybox", "true") { UseShellExecute = false })!;
        p.WaitForExit();
        return Task.CompletedTask;
    }));

    foreach (var name in new[] { "crun", "runc" })
    {
        var runner = new ContainerRunner(OciRuntime.Locate(name));
        using (var sandbox = await Sandbox.CreateAsync(snapshots, content, image.Manifest.Value.Layers, image.Config.Value.RootFs.DiffIds, CancellationToken.None))
        {
            await sandbox.RunAsync(runner, run, io, CancellationToken.None); // warm-up
            Report($"{name}: RUN true in a mounted sandbox", Measure(iterations, () => sandbox.RunAsync(runner, run, io, CancellationToken.None)));

            // What a build's RUN costs with kiln's default pids limit (a cgroup of its own) against none.
            var limited = run with { Limits = new ResourceLimits { Pids = ProcessLimits.DefaultPids, PidsIsDefault = true } };
            Report($"{name}: RUN true with the default pids limit", Measure(iterations, () => sandbox.RunAsync(runner, limited, io, CancellationToken.None)));
        }

        Report($"{name}: mount + RUN true + unmount", Measure(iterations, async () =>
        {
            using var sandbox = await Sandbox.CreateAsync(snapshots, content, image.Manifest.Value.Layers, image.Config.Value.RootFs.DiffIds, CancellationToken.None);
            var exit = await sandbox.RunAsync(runner, run, io, CancellationToken.None);
            if (exit.Code != 0)
            {
                throw new InvalidOperationException($"exit {exit}");
            }
        }));
        Report($"{name}: runtime only (prepared bundle)", Measure(iterations, async () =>
        {
            var exit = await runner.RunAsync("kiln-bench-raw", bundle, new ContainerIo { OnLine = (_, line) => Console.Error.WriteLine(line) }, cgroup: null, CancellationToken.None);
            if (exit.Code != 0)
            {
                throw new InvalidOperationException($"exit {exit}");
            }
        }));
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

static double[] Measure(int iterations, Func<Task> body)
{
    var times = new double[iterations];
    for (var i = 0; i < iterations; i++)
    {
        var watch = Stopwatch.StartNew();
        body().GetAwaiter().GetResult();
        times[i] = watch.Elapsed.TotalMilliseconds;
    }

    Array.Sort(times);
    return times;
}

static void Report(string what, double[] sorted) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-45} median {sorted[sorted.Length / 2],7:F1} ms   p90 {sorted[(int)(sorted.Length * 0.9)],7:F1} ms   min {sorted[0],7:F1} ms"));
