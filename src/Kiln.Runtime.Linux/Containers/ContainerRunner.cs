using System.Diagnostics;
using System.Text;
using Kiln.Content.Native;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// Runs a bundle with crun or runc in the foreground (<c>RUNTIME run --bundle DIR ID</c>, no detach, no terminal)
/// and returns the container's exit code (128+N for a signal, as the runtimes report it).
/// </summary>
/// <remarks>
/// crun runs with <c>--cgroup-manager=disabled</c>: a RUN step without limits needs no cgroup, and creating and
/// removing cgroups is a good part of a container's start-up cost. A step with limits has a <see cref="StepCgroup"/>:
/// on cgroup v1 crun is started from a thread that joined it (the container inherits it), on v2 crun makes the
/// container's cgroup under it (<c>--cgroup-manager=cgroupfs</c>). crun 1.8 still refuses a cgroup v1 hybrid host (it
/// checks the hierarchy before looking at the options), so there the runtime is started from a thread that first
/// moved to a private mount namespace (unshare(CLONE_NEWNS), slave propagation so nothing leaks back to the host) and
/// lazily unmounted <c>/sys/fs/cgroup/unified</c> in it: crun then sees cgroup v1 only. That costs two system calls,
/// no extra process. runc works on hybrid hosts as it is; it always makes the container's cgroup, which on v1 is the
/// step's own (runc's default path), kept after the container exits (<c>run --keep</c>) until kiln has read it. State
/// lives under <c>/run/kiln/&lt;runtime&gt;</c>, apart from other users of the same runtime. On cancellation the
/// container is killed (SIGKILL to its init: with a pid namespace of its own, everything in it dies too) and deleted.
/// </remarks>
public sealed class ContainerRunner
{
    private const string DefaultStateRoot = "/run/kiln";

    private readonly string _stateDirectory;

    public ContainerRunner(OciRuntime runtime, string? stateRoot = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        Runtime = runtime;
        _stateDirectory = Path.Combine(stateRoot ?? DefaultStateRoot, runtime.Name);
        PrivateMountNamespace = runtime.IsCrun && HostCgroups.Mode == CgroupMode.Hybrid;
    }

    public OciRuntime Runtime { get; }

    /// <summary>Whether the runtime is started in a private mount namespace without the hybrid cgroup v2 mount.</summary>
    public bool PrivateMountNamespace { get; }

    /// <summary>
    /// Processes of the runtime's own in a step's cgroup v1 while the container runs: crun, started in it, waits there
    /// for the container (runc waits outside and puts only the container in).
    /// </summary>
    public int RuntimeTasksInStepCgroup => Runtime.IsCrun ? 1 : 0;

    /// <summary>Runs the container to its end, in <paramref name="cgroup"/> when it has limits.</summary>
    public async Task<ContainerExit> RunAsync(string id, string bundleDirectory, ContainerIo io, StepCgroup? cgroup, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(bundleDirectory);
        ArgumentNullException.ThrowIfNull(io);
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(_stateDirectory);
        var keep = !Runtime.IsCrun && cgroup is { IsV1: true };
        string[] arguments = keep ? ["run", "--keep", "--bundle", bundleDirectory, id] : ["run", "--bundle", bundleDirectory, id];
        using var process = Start(arguments, redirectInput: true, cgroup);
        var stdout = PumpAsync(process.StandardOutput.BaseStream, OutputChannel.Stdout, io);
        var stderr = PumpAsync(process.StandardError.BaseStream, OutputChannel.Stderr, io);
        var stdin = FeedAsync(process.StandardInput.BaseStream, io.Stdin);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(id, process).ConfigureAwait(false);
            throw;
        }
        finally
        {
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            await stdin.ConfigureAwait(false);
        }

        var (oomKills, forksRefused) = cgroup?.ReadCounts() ?? (0, 0);
        if (keep)
        {
            await RunQuietAsync(["delete", "--force", id]).ConfigureAwait(false);
        }

        return new ContainerExit(process.ExitCode) { OomKills = oomKills, ForksRefused = forksRefused };
    }

    /// <summary>
    /// Force-deletes kiln's containers (ids starting with <paramref name="prefix"/>) for which
    /// <paramref name="isStale"/> says the kiln that started them is gone: SIGKILL on kiln leaves the runtime and
    /// the container running. Returns how many it removed.
    /// </summary>
    public async Task<int> RemoveStaleAsync(string prefix, Func<string, bool> isStale)
    {
        ArgumentNullException.ThrowIfNull(isStale);
        if (!Directory.Exists(_stateDirectory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var directory in Directory.EnumerateDirectories(_stateDirectory, prefix + "*"))
        {
            var id = Path.GetFileName(directory);
            if (isStale(id))
            {
                await RunQuietAsync(["delete", "--force", id]).ConfigureAwait(false);
                removed++;
            }
        }

        StepCgroup.RemoveStale(prefix, isStale);
        return removed;
    }

    /// <summary>Kills and deletes a container, retrying the kill until the runtime's foreground process is gone.</summary>
    private async Task KillAsync(string id, Process run)
    {
        for (var attempt = 0; attempt < 50 && !run.HasExited; attempt++)
        {
            // Fails while the container is not created yet (or already gone): then look again shortly.
            await RunQuietAsync(["kill", id, "KILL"]).ConfigureAwait(false);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            try
            {
                await run.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (!run.HasExited)
        {
            run.Kill(entireProcessTree: true);
            await run.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await RunQuietAsync(["delete", "--force", id]).ConfigureAwait(false);
    }

    private async Task RunQuietAsync(string[] arguments)
    {
        using var process = Start(arguments, redirectInput: false, cgroup: null);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await Task.WhenAll(output, error).ConfigureAwait(false);
    }

    private Process Start(string[] arguments, bool redirectInput, StepCgroup? cgroup)
    {
        var start = new ProcessStartInfo(Runtime.Path)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(_stateDirectory);
        if (Runtime.IsCrun)
        {
            start.ArgumentList.Add(cgroup is { IsV1: false } ? "--cgroup-manager=cgroupfs" : "--cgroup-manager=disabled");
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // runc puts the container in the step's v1 cgroup itself (its default path); crun, without a manager, leaves it
        // where crun was started.
        var join = Runtime.IsCrun && cgroup is { IsV1: true } ? cgroup : null;
        return PrivateMountNamespace || join is not null ? StartFromLauncher(start, PrivateMountNamespace, join) : Process.Start(start)!;
    }

    /// <summary>Starts the runtime from a thread of its own that first hides the unified hierarchy, joins the step's cgroup, or both.</summary>
    private static Process StartFromLauncher(ProcessStartInfo start, bool withoutUnifiedCgroup, StepCgroup? join)
    {
        Process? process = null;
        Exception? failure = null;

        // A thread of its own, thrown away afterwards: its mount namespace and its cgroups are not the process's, and
        // no other work may ever run on it. Process.Start forks from the calling thread, so the runtime inherits both.
        var thread = new Thread(() =>
        {
            try
            {
                if (withoutUnifiedCgroup)
                {
                    HideUnifiedCgroup();
                }

                join?.EnterCurrentThread();
                process = Process.Start(start);
            }
#pragma warning disable CA1031 // handed to the calling thread and rethrown there
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = e;
            }
        })
        {
            IsBackground = true,
            Name = "kiln runtime launcher",
        };
        thread.Start();
        thread.Join();
        return failure is not null
            ? throw new IOException($"cannot start {start.FileName}: {failure.Message}", failure)
            : process!;
    }

    /// <summary>Moves the calling thread to a private mount namespace in which /sys/fs/cgroup/unified is not mounted.</summary>
    private static void HideUnifiedCgroup()
    {
        if (Libc.Unshare(Libc.CloneNewNs) != 0)
        {
            throw LinuxErrno.LastError("unshare", "mount namespace");
        }

        if (Libc.Mount(null, "/", null, Libc.MsRec | Libc.MsSlave, null) != 0)
        {
            throw LinuxErrno.LastError("make mounts slave in", "private mount namespace");
        }

        if (Libc.Umount2("/sys/fs/cgroup/unified", Libc.MntDetach) != 0)
        {
            throw LinuxErrno.LastError("umount", "/sys/fs/cgroup/unified");
        }
    }

    private static async Task FeedAsync(Stream input, Stream? source)
    {
        try
        {
            if (source is not null)
            {
                await source.CopyToAsync(input).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The container stopped reading (it exited): what is left of the input is not wanted.
        }
        finally
        {
            try
            {
                await input.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task PumpAsync(Stream output, OutputChannel which, ContainerIo io)
    {
        var buffer = new byte[16 * 1024];
        var line = new List<byte>();
        while (true)
        {
            var read = await output.ReadAsync(buffer).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            if (io.OnOutput is { } onOutput)
            {
                await onOutput(which, buffer.AsMemory(0, read), CancellationToken.None).ConfigureAwait(false);
            }

            if (io.OnLine is { } onLine)
            {
                var chunk = buffer.AsSpan(0, read);
                int newline;
                while ((newline = chunk.IndexOf((byte)'\n')) >= 0)
                {
                    line.AddRange(chunk[..newline]);
                    onLine(which, Encoding.UTF8.GetString([.. line]));
                    line.Clear();
                    chunk = chunk[(newline + 1)..];
                }

                line.AddRange(chunk);
            }
        }

        if (line.Count > 0)
        {
            io.OnLine?.Invoke(which, Encoding.UTF8.GetString([.. line]));
        }
    }
}
