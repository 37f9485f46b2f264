using System.Collections.Immutable;
using Kiln.Dockerfile.Instructions;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Snapshots;
using Kiln.Runtime.Linux.Spec;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// RUN through crun or runc (<see cref="ContainerRunner"/>) in the step's <see cref="Sandbox"/>, which
/// <see cref="SandboxSnapshotter"/> made; <c>RUN --mount=type=cache</c> directories come from
/// <paramref name="caches"/>, held for the run, and each <c>RUN --mount=type=ssh</c> is a <see cref="UnixSocketProxy"/>
/// to its agent, serving for the run only.
/// </summary>
public sealed class SandboxExecutor(ContainerRunner runner, CacheMountStore caches) : IExecutor
{
    /// <summary>The build's limits, with kiln's default pids limit when it sets none (<see cref="ProcessLimits.DefaultPids"/>).</summary>
    private static ResourceLimits Limits(RunResources resources) => new()
    {
        Memory = resources.Memory,
        MemorySwap = resources.MemorySwap,
        CpuShares = resources.CpuShares,
        CpuPeriod = resources.CpuPeriod,
        CpuQuota = resources.CpuQuota,
        CpusetCpus = resources.CpusetCpus,
        CpusetMems = resources.CpusetMems,
        Pids = resources.PidsLimit ?? ProcessLimits.DefaultPids,
        PidsIsDefault = resources.PidsLimit is null,
    };

    /// <summary>-1 is RLIM_INFINITY.</summary>
    private static ulong Unlimited(long value) => value < 0 ? ulong.MaxValue : (ulong)value;

    public async Task<ExecResult> RunAsync(ExecRequest request, Action<string> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        var sandbox = (request.Root as SandboxMount)?.Sandbox
            ?? throw new ArgumentException("the root was not mounted by the sandbox snapshotter", nameof(request));
        var leases = new List<CacheMountLease>();
        var proxies = new List<UnixSocketProxy>();
        try
        {
            var volumes = ImmutableArray.CreateBuilder<RunVolume>();
            var secrets = ImmutableArray.CreateBuilder<SecretFile>();
            foreach (var mount in request.Mounts.IsDefault ? [] : request.Mounts)
            {
                switch (mount.Type)
                {
                    case MountType.Secret:
                        secrets.Add(new SecretFile(mount.Target, mount.SecretContent, (UnixFileMode)mount.Mode, mount.Uid, mount.Gid));
                        break;
                    case MountType.Tmpfs:
                        volumes.Add(new RunVolume(mount.Target, null, mount.ReadOnly, mount.SizeLimit));
                        break;
                    case MountType.Ssh:
                        // Not the agent's own socket, whose owner and mode are the host's: one of ours with the
                        // mount's uid, gid and mode (root's 0600 by default, as BuildKit's), forwarding to it.
                        var agent = mount.HostPath ?? throw new ArgumentException($"ssh mount at {mount.Target} has no agent socket", nameof(request));
                        var proxy = UnixSocketProxy.Start(agent, (UnixFileMode)mount.Mode, mount.Uid, mount.Gid);
                        proxies.Add(proxy);
                        volumes.Add(new RunVolume(mount.Target, proxy.SocketPath, mount.ReadOnly));
                        break;
                    case MountType.Bind:
                        // The copy of the bind's source, made on the host for this run.
                        var copy = mount.HostPath ?? throw new ArgumentException($"bind mount at {mount.Target} has no source copy", nameof(request));
                        volumes.Add(new RunVolume(mount.Target, copy, mount.ReadOnly));
                        break;
                    default: // a cache
                        var sharing = mount.Sharing switch
                        {
                            MountSharing.Locked => CacheSharing.Locked,
                            MountSharing.Private => CacheSharing.Private,
                            _ => CacheSharing.Shared,
                        };
                        // A seeded cache is kept per id and seed, as BuildKit keys it ("id:" and the seed's ref).
                        var id = mount.Id ?? mount.Target;
                        var lease = await caches.AcquireAsync(
                            mount.SeedKey is null ? id : id + "\n" + mount.SeedKey, sharing, (UnixFileMode)mount.Mode, mount.Uid, mount.Gid, cancellationToken, mount.Seed).ConfigureAwait(false);
                        leases.Add(lease);
                        volumes.Add(new RunVolume(mount.Target, lease.Directory, mount.ReadOnly));
                        break;
                }
            }

            var run = new SandboxRun
            {
                Args = request.Args,
                Env = request.Env,
                User = request.User,
                WorkingDirectory = request.WorkingDir,
                Hostname = request.Hostname,
                Network = request.Network == RunNetwork.None ? NetworkMode.None : NetworkMode.Host,
                Files = [.. (request.Files.IsDefault ? [] : request.Files).Select(f => new ContainerFile(f.Path, f.Content, f.Mode))],
                Volumes = volumes.ToImmutable(),
                Secrets = secrets.ToImmutable(),
                Privileged = request.Insecure,
                ExtraHosts = [.. (request.ExtraHosts.IsDefault ? [] : request.ExtraHosts).Select(h => h.ToString())],
                ShmSize = request.ShmSize,
                Rlimits = [.. (request.Ulimits.IsDefault ? [] : request.Ulimits).Select(u => new OciRlimit(u.RlimitType, Unlimited(u.Hard), Unlimited(u.Soft)))],
                Limits = Limits(request.Resources),
            };
            var exit = await sandbox.RunAsync(runner, run, new ContainerIo { OnLine = (_, line) => output(line) }, cancellationToken).ConfigureAwait(false);
            return new ExecResult(exit.Code)
            {
                OomKills = exit.OomKills,
                ForksRefused = exit.ForksRefused,
                PidsLimit = run.Limits.Pids is { } pids and >= 0 ? pids : null,
            };
        }
        finally
        {
            try
            {
                // Also after a failure or cancellation: no listener outlives its step, nor its directory.
                foreach (var proxy in proxies)
                {
                    await proxy.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                foreach (var lease in leases)
                {
                    lease.Dispose();
                }
            }
        }
    }
}
