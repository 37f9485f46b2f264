using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Kiln.Content.Compression;
using Kiln.Content.IO;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;
using Kiln.Runtime.Linux.Spec;
using Kiln.Runtime.Linux.Users;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// A root filesystem to run commands in: the image's layers (unpacked once, shared) under an overlay with a fresh
/// upper directory. Run commands with <see cref="RunAsync"/>, keep what they changed as a snapshot with
/// <see cref="Keep"/> if wanted, and dispose: the overlay is unmounted and the upper, unless kept, deleted.
/// </summary>
public sealed class Sandbox : IDisposable
{
    private static readonly ImmutableArray<string> MountPoints = ["/proc", "/dev", "/sys", "/etc/hosts", "/etc/resolv.conf"];

    private readonly SnapshotStore _snapshots;
    private readonly SnapshotLease _lease;
    private int _runs;

    private Sandbox(SnapshotStore snapshots, SnapshotLease lease, OverlayMount mount)
    {
        _snapshots = snapshots;
        _lease = lease;
        Mount = mount;
    }

    public OverlayMount Mount { get; }

    public string RootPath => Mount.MergedPath;

    /// <summary>How many layers had to be unpacked for this sandbox (the others were shared).</summary>
    public int UnpackedLayers => _lease.Unpacked;

    /// <summary>Prepares the image's layers (bottom first, with their diffIDs) and mounts a fresh overlay over them.</summary>
    public static Task<Sandbox> CreateAsync(SnapshotStore snapshots, ContentStore content, ImmutableArray<Descriptor> layers, ImmutableArray<Digest> diffIds, CancellationToken cancellationToken) =>
        CreateAsync(snapshots, content, SnapshotLayer.FromImage(layers, diffIds), cancellationToken);

    /// <summary>Prepares the layers (bottom first) and mounts a fresh overlay over them.</summary>
    public static async Task<Sandbox> CreateAsync(SnapshotStore snapshots, ContentStore content, ImmutableArray<SnapshotLayer> layers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        OverlayMount.CleanStale(snapshots);
        var lease = await snapshots.AcquireAsync(content, layers, cancellationToken).ConfigureAwait(false);
        try
        {
            var mount = OverlayMount.Create(snapshots, lease.LowerDirectories, readOnly: false);
            return new Sandbox(snapshots, lease, mount);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Runs one command to its end and returns how it ended.</summary>
    /// <exception cref="CgroupLimitException">A limit of <paramref name="run"/> cannot be applied on this host.</exception>
    public async Task<ContainerExit> RunAsync(ContainerRunner runner, SandboxRun run, ContainerIo io, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(io);
        var prefix = ContainerIdPrefix(MountsPath);
        await runner.RemoveStaleAsync(prefix, id => IsStale(id[prefix.Length..])).ConfigureAwait(false);
        var number = Interlocked.Increment(ref _runs);
        var id = $"{prefix}{Mount.Id[..16]}-{number.ToString(CultureInfo.InvariantCulture)}";
        var hostname = run.Hostname ?? Mount.Id[..12];
        var user = await UserResolver.ResolveAsync(RootPath, run.User, cancellationToken).ConfigureAwait(false);
        var bundle = Path.Combine(Mount.Directory, "bundle-" + number.ToString(CultureInfo.InvariantCulture));
        using var cgroup = StepCgroup.Create(id, run.Limits, runner.RuntimeTasksInStepCgroup);
        Directory.CreateDirectory(bundle);
        string? secrets = null;
        try
        {
            var hosts = Path.Combine(bundle, "hosts");
            await File.WriteAllTextAsync(hosts, HostsFile(hostname, run.ExtraHosts), cancellationToken).ConfigureAwait(false);
            var resolvConf = Path.Combine(bundle, "resolv.conf");
            await File.WriteAllTextAsync(resolvConf, ResolvConf(), cancellationToken).ConfigureAwait(false);
            var binds = await RunFiles.WriteAsync(bundle, run.Files, cancellationToken).ConfigureAwait(false);
            (var secretBinds, secrets) = await WriteSecretsAsync(bundle, run.Secrets, cancellationToken).ConfigureAwait(false);
            binds = binds.AddRange(secretBinds);
            var spec = RuntimeSpec.Create(new SandboxSpec
            {
                RootPath = RootPath,
                Args = run.Args,
                Env = RuntimeSpec.DefaultEnvironment(run.Env.IsDefault ? [] : run.Env, user.Home, run.Hostname is null ? hostname : null),
                Cwd = string.IsNullOrEmpty(run.WorkingDirectory) ? "/" : run.WorkingDirectory,
                Uid = user.Uid,
                Gid = user.Gid,
                AdditionalGids = user.AdditionalGids,
                Hostname = hostname,
                Network = run.Network,
                HostsFile = hosts,
                ResolvConfFile = resolvConf,
                Volumes = run.Volumes,
                ReadOnlyBinds = binds,
                NoFileLimit = ProcessLimits.ContainerNoFile,
                Privileged = run.Privileged,
                ShmSize = run.ShmSize,
                Rlimits = run.Rlimits,
                Resources = cgroup is { IsV1: false } ? cgroup.Limits : null,
                CgroupsPath = cgroup?.RuntimePath,
            });
            await File.WriteAllBytesAsync(Path.Combine(bundle, "config.json"), RuntimeSpec.Serialize(spec), cancellationToken).ConfigureAwait(false);
            var volumes = run.Volumes.IsDefault ? [] : run.Volumes.Select(v => v.Target);
            var stubs = MountStubs.Record(RootPath, MountPoints.Concat(RunFiles.MountPoints(binds)).Concat(volumes));
            try
            {
                return await runner.RunAsync(id, bundle, io, cgroup, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                stubs.Remove();
            }
        }
        finally
        {
            if (secrets is not null)
            {
                DirectoryTree.Remove(secrets);
            }

            DirectoryTree.Remove(bundle);
        }
    }

    /// <summary>
    /// Writes each secret with its mode and owner into a 0700 directory on a tmpfs of its own when the host has
    /// <c>/dev/shm</c> (a secret should not touch the disk, as BuildKit keeps its secrets in memory), else in the
    /// bundle; returns the read-only binds that show them and the directory for the caller to remove.
    /// </summary>
    private static async Task<(ImmutableArray<ReadOnlyBind> Binds, string? Directory)> WriteSecretsAsync(
        string bundle, ImmutableArray<SecretFile> secrets, CancellationToken cancellationToken)
    {
        if (secrets.IsDefaultOrEmpty)
        {
            return ([], null);
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("containers run on Linux only");
        }

        var directory = System.IO.Directory.Exists("/dev/shm")
            ? Path.Combine("/dev/shm", "kiln-secrets-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)))
            : Path.Combine(bundle, "secrets");
        System.IO.Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var binds = ImmutableArray.CreateBuilder<ReadOnlyBind>();
        for (var i = 0; i < secrets.Length; i++)
        {
            var path = Path.Combine(directory, i.ToString(CultureInfo.InvariantCulture));
            await File.WriteAllBytesAsync(path, secrets[i].Content.AsMemory().ToArray(), cancellationToken).ConfigureAwait(false);
            FileOwnership.Set(path, secrets[i].Mode, secrets[i].Uid, secrets[i].Gid);

            binds.Add(new ReadOnlyBind(path, secrets[i].Target));
        }

        return (binds.ToImmutable(), directory);
    }

    /// <summary>
    /// Ends the sandbox's work: unmounts it and keeps the upper directory as a snapshot under a fresh name, so that
    /// the next step mounts it as a lower. No layer blob is made here: most step layers (those of builder stages)
    /// are never exported, and the blob of one that is comes from the snapshot when it is
    /// (<see cref="OverlayDiffer.DiffSnapshotAsync"/>). Only <see cref="Dispose"/> may follow.
    /// </summary>
    /// <remarks>
    /// The upper is already in snapshot form: deletions are 0/0 character devices and opaque directories carry
    /// <c>trusted.overlay.opaque</c>, as <see cref="SnapshotStore"/> unpacks layers. The overlay is volatile (see
    /// OverlayMount) and the upper is not synced: the snapshot store marks it with this boot, and after a crash a
    /// snapshot of an earlier boot is not used.
    /// </remarks>
    /// <returns>The snapshot's name and the bytes of its regular files.</returns>
    public (Digest Name, long Size) Keep()
    {
        Mount.Unmount();
        var size = DirectoryTree.RegularFileBytes(Mount.UpperPath);
        var name = SnapshotStore.NewName();
        if (!_snapshots.Adopt(Mount.UpperPath, name))
        {
            throw new IOException($"could not keep the step's upper directory as snapshot {name}: its name is locked");
        }

        return (name, size);
    }

    public void Dispose()
    {
        try
        {
            Mount.Dispose();
        }
        finally
        {
            _lease.Dispose();
        }
    }

    /// <summary>A container of ours is stale when the mount it was started in is gone or nobody holds its lock.</summary>
    private bool IsStale(string mountAndRun)
    {
        var parts = mountAndRun.Split('-');
        if (parts.Length != 2 || parts[0].Length != 16 || !parts[0].All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        var locks = Directory.GetFiles(MountsPath, parts[0] + "*.lock");
        if (locks.Length == 0)
        {
            return true;
        }

        using var probe = FileLock.TryAcquire(locks[0], exclusive: true);
        return probe is not null;
    }

    private string MountsPath => Path.GetDirectoryName(Mount.Directory)!;

    /// <summary>
    /// How the ids of the containers of the store whose mounts are in <paramref name="mountsPath"/> begin: they carry a
    /// tag of the store, so that the stale containers of one store are never taken for another's.
    /// </summary>
    public static string ContainerIdPrefix(string mountsPath) =>
        $"kiln-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(mountsPath)))[..8]}-";

    /// <summary>BuildKit's /etc/hosts for a RUN step, with this container's hostname, then the <c>--add-host</c> lines.</summary>
    private static string HostsFile(string hostname, ImmutableArray<string> extra) =>
        $"127.0.0.1\tlocalhost {hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n" + string.Concat((extra.IsDefault ? [] : extra).Select(line => line + "\n"));

    /// <summary>The host's resolv.conf (the container shares or mirrors its network); docker's public fallback without one.</summary>
    private static string ResolvConf()
    {
        try
        {
            var text = File.ReadAllText("/etc/resolv.conf");
            if (text.Contains("nameserver", StringComparison.Ordinal))
            {
                return text;
            }
        }
        catch (IOException)
        {
        }

        return new StringBuilder().Append("nameserver 8.8.8.8\n").Append("nameserver 8.8.4.4\n").ToString();
    }
}
