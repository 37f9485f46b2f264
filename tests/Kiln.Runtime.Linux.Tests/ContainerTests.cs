using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Spec;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>Real containers, with crun and with runc, on real overlayfs, from the busybox image.</summary>
public sealed class ContainerTests
{
    public static TheoryData<string> Runtimes => new() { "crun", "runc" };

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Runs_echo_and_streams_its_output(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using (var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync()))
        {
            var result = await SandboxHarness.RunAsync(sandbox, runtime, new SandboxRun { Args = ["echo", "hello", "world"], Env = ["PATH=/bin"] });

            Assert.Equal(0, result.ExitCode);
            Assert.Equal("hello world\n", result.Stdout);
            Assert.Equal(["hello world"], result.Lines);
        }

        Assert.Empty(store.Mounts());
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Returns_the_exit_code_and_stderr(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using (var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync()))
        {
            var result = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell("echo oops >&2; exit 3"));

            Assert.Equal(3, result.ExitCode);
            Assert.Equal("oops\n", result.Stderr);
        }

        Assert.Empty(store.Mounts());
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Passes_env_workdir_and_the_defaults(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());

        var result = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell("echo $GREETING $PATH $HOME; pwd", "GREETING=hi there") with { WorkingDirectory = "/tmp" });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["hi there /bin /root", "/tmp"], result.Lines);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Resolves_users_by_name_and_by_uid(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());

        var alice = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell("id -u; id -g; id -G; echo $HOME") with { User = "alice" });
        var bob = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell("id -u; id -g; id -G") with { User = "1001" });
        var stranger = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell("id -u; id -g") with { User = "4242:wheel" });

        Assert.Equal(["1000", "1000", "1000 10 100", "/home/alice"], alice.Lines);
        Assert.Equal(["1001", "100", "100"], bob.Lines);
        Assert.Equal(["4242", "10"], stranger.Lines);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Is_isolated_hostname_hosts_proc_pid_and_no_network(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());

        var result = await SandboxHarness.RunAsync(
            sandbox,
            runtime,
            SandboxHarness.Shell("hostname; cat /etc/hosts; echo pid=$$; ls /proc | grep -c '^[0-9]'; ls /sys/class/net; test -r /proc/self/status && echo proc-ok") with
            {
                Hostname = "sandbox1",
                Network = NetworkMode.None,
            });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("sandbox1", result.Lines[0]);
        Assert.Contains("127.0.0.1\tlocalhost sandbox1", result.Lines);
        Assert.Contains("pid=1", result.Lines);

        // sh and ls: nothing of the host's hundreds of processes.
        var processes = int.Parse(result.Lines[Array.IndexOf(result.Lines, "pid=1") + 1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(processes, 1, 3);
        Assert.Equal("lo", result.Lines[^2]);
        Assert.Equal("proc-ok", result.Lines[^1]);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Host_network_sees_the_host_interfaces(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());

        var result = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell("ls /sys/class/net"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).Order(StringComparer.Ordinal), result.Lines.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task A_privileged_run_gets_every_capability_kiln_holds_the_host_devices_and_may_mount(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());
        var script = SandboxHarness.Shell("grep CapEff /proc/self/status; test -c /dev/loop-control && echo loop-control; mkdir -p /m && mount -t tmpfs t /m 2>/dev/null && echo mounted && umount /m; touch /sys/kernel/x 2>&1 | grep -c Read-only");
        var ours = File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapEff:", StringComparison.Ordinal));

        var privileged = await SandboxHarness.RunAsync(sandbox, runtime, script with { Privileged = true });
        var ordinary = await SandboxHarness.RunAsync(sandbox, runtime, script);

        Assert.Equal([ours, "loop-control", "mounted", "0"], privileged.Lines);
        Assert.Equal(["CapEff:\t00000000a80425fb", "1"], ordinary.Lines);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Cancellation_kills_the_container_and_cleans_up(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        string mountId;
        using (var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync()))
        {
            mountId = sandbox.Mount.Id[..16];
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
            var started = DateTime.UtcNow;

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell("sleep 60"), cancel.Token));

            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), "the container was not killed promptly");
        }

        // Only this sandbox's container: other test assemblies run theirs under the same runtime root meanwhile.
        Assert.Empty(store.Mounts());
        Assert.DoesNotContain(
            Tool.Run(OciRuntime.Locate(runtime).Path, "--root", $"/run/kiln/{runtime}", "list", "-q").Split('\n', StringSplitOptions.RemoveEmptyEntries),
            id => id.Contains(mountId, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Mount_points_the_runtime_creates_do_not_stay_in_the_root(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());

        var result = await SandboxHarness.RunAsync(sandbox, runtime, SandboxHarness.Shell("true"));

        Assert.Equal(0, result.ExitCode);
        // Only the copied-up parent of /etc/resolv.conf (which the image lacks), unchanged.
        Assert.Equal(["etc"], Directory.EnumerateFileSystemEntries(sandbox.Mount.UpperPath, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(sandbox.Mount.UpperPath, p)));
        Assert.Equal(
            Directory.GetLastWriteTimeUtc(Path.Combine(store.Snapshots.LayerDirectory((await store.LoadAsync()).Config.Value.RootFs.DiffIds[0]), "etc")),
            Directory.GetLastWriteTimeUtc(Path.Combine(sandbox.Mount.UpperPath, "etc")));
    }
    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Files_run_from_a_read_only_mount_and_never_land_in_the_root(string runtime)
    {
        using var store = await BusyboxImage.CreateStoreAsync();
        using var sandbox = await SandboxHarness.CreateAsync(store, await store.LoadAsync());
        const string script = "#!/bin/sh -e\necho \"$0 $(id -u)\"\nls /dev/pipes\nif touch /dev/pipes/x 2>/dev/null; then echo writable; fi\ncat /opt/tool/conf\necho made > /made\n";
        var run = new SandboxRun
        {
            Args = ["/bin/sh", "-c", "/dev/pipes/EOT"],
            Env = ["PATH=/bin"],
            User = "alice",
            Files =
            [
                new ContainerFile("/dev/pipes/EOT", [.. System.Text.Encoding.UTF8.GetBytes(script)], (UnixFileMode)0b111_101_101),
                new ContainerFile("/opt/tool/conf", [.. "conf\n"u8], (UnixFileMode)0b110_100_100),
            ],
        };

        // alice cannot write /made: the script's -e stops there, after everything else ran.
        var result = await SandboxHarness.RunAsync(sandbox, runtime, run);
        var asRoot = await SandboxHarness.RunAsync(sandbox, runtime, run with { User = null });

        // Stdout alone: stderr's line comes through its own pipe and may arrive before any of these.
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("/dev/pipes/EOT 1000\nEOT\nconf\n", result.Stdout);
        Assert.Contains("can't create /made: Permission denied", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, asRoot.ExitCode);
        Assert.Equal(["/dev/pipes/EOT 0", "EOT", "conf"], asRoot.Lines);

        // The script's file only: no /dev, no /dev/pipes, no /opt mount point in the upper.
        Assert.Equal(
            ["etc", "made"],
            Directory.EnumerateFileSystemEntries(sandbox.Mount.UpperPath, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(sandbox.Mount.UpperPath, p)).Order(StringComparer.Ordinal));
    }
}
