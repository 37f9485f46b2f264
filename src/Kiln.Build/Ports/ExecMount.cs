using System.Collections.Immutable;
using System.Globalization;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Ports;

/// <summary>
/// A <c>RUN --mount</c> the executor sets up for one run, at an absolute <paramref name="Target"/>: a cache mount (a
/// directory kept between builds), a tmpfs, a bind of a copy of files from the context, a stage or an image
/// (<see cref="HostPath"/>), a secret or an ssh agent. None of their content reaches the layer.
/// </summary>
/// <param name="Id">What the mount names: the cache directory's id (default the target), the <c>--secret</c>, or
/// the <c>--ssh</c> agent ("default" when not given); null for tmpfs and bind.</param>
/// <param name="Mode">Permission bits of a new cache directory (BuildKit's default 0755), of a secret's file (0400) or
/// of the socket an ssh agent is reached through (0600); <paramref name="Uid"/> and <paramref name="Gid"/> own them.</param>
/// <param name="SizeLimit">tmpfs size= in bytes; null = the kernel's default.</param>
public sealed record ExecMount(
    MountType Type,
    string Target,
    bool ReadOnly,
    string? Id,
    MountSharing Sharing,
    uint Mode,
    uint Uid,
    uint Gid,
    long? SizeLimit)
{
    /// <summary>bind: source= as written (a path in the context, stage or image; "." when not given); cache: the directory of from= it is seeded from ("/" for all of it), null when it is not seeded.</summary>
    public string? Source { get; init; }

    /// <summary>bind, cache: from= as written; null for the build context (bind) or for no seed (cache).</summary>
    public string? From { get; init; }

    /// <summary>bind: the content digest of what is bound (as COPY digests its sources); cache: of its seed. For the cache key.</summary>
    public Kiln.Oci.Digest? SourceDigest { get; init; }

    /// <summary>
    /// cache with from=: what the seed is (the stage's or image's layers, or a context's content, and the directory):
    /// the cache directory is kept per id and seed, as BuildKit keys it by the id and the seed's snapshot.
    /// </summary>
    public string? SeedKey { get; init; }

    /// <summary>cache with from=: makes a new cache directory at the path it is given, as a copy of the seed (run only when the directory is first made).</summary>
    public Func<string, CancellationToken, Task>? Seed { get; init; }

    /// <summary>bind: the host file or directory to mount, made for the run (a copy: writes to it are discarded); ssh: the agent's socket (reached through a socket with the mount's owner and mode, never bound itself).</summary>
    public string? HostPath { get; init; }

    /// <summary>secret: env= (also shown as this variable); <see cref="Target"/> is empty when it is shown only so.</summary>
    public string? SecretEnv { get; init; }

    /// <summary>secret, ssh: required (the build fails when it was not given; else the mount is left out).</summary>
    public bool Required { get; init; }

    /// <summary>secret: the value, set for the run only (never part of <see cref="KeyText"/>).</summary>
    public ImmutableArray<byte> SecretContent { get; init; }

    /// <summary>
    /// What the cache key records: every option that changes what the command sees when it starts, not the cache's
    /// content (a cache mount is reused whatever it holds, as BuildKit does).
    /// </summary>
    public string KeyText => Type switch
    {
        MountType.Tmpfs => string.Create(CultureInfo.InvariantCulture, $"tmpfs target={Target} ro={ReadOnly} size={SizeLimit}"),
        MountType.Bind => string.Create(CultureInfo.InvariantCulture, $"bind target={Target} ro={ReadOnly} from={From} source={Source} content={SourceDigest}"),
        MountType.Ssh => string.Create(CultureInfo.InvariantCulture, $"ssh target={Target} id={Id} required={Required} mode={Convert.ToString(Mode, 8)} uid={Uid} gid={Gid}"),
        MountType.Secret => string.Create(CultureInfo.InvariantCulture, $"secret target={Target} id={Id} env={SecretEnv} required={Required} mode={Convert.ToString(Mode, 8)} uid={Uid} gid={Gid}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"cache target={Target} ro={ReadOnly} id={Id} sharing={Sharing} mode={Convert.ToString(Mode, 8)} uid={Uid} gid={Gid}")
            + (From is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" from={From} source={Source} content={SourceDigest}")),
    };
}
