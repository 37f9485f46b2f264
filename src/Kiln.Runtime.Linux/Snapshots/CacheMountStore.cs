using System.Security.Cryptography;
using System.Text;
using Kiln.Content.IO;
using Kiln.Content.Store;

namespace Kiln.Runtime.Linux.Snapshots;

/// <summary>
/// The directories behind <c>RUN --mount=type=cache</c>: <c>&lt;root&gt;/cache-mounts/&lt;sha256 of the id&gt;</c>,
/// kept from build to build and never part of a layer, as BuildKit keeps its cache mounts until
/// <c>docker builder prune</c>. A directory is made on first use with the mount's mode, uid and gid. Sharing follows
/// BuildKit: <c>shared</c> lets every user in at once, <c>locked</c> waits for the one before, <c>private</c> gets a
/// directory of its own for this run when another holds the cache. "In use" is a flock on <c>&lt;dir&gt;.lock</c>.
/// A cache with a seed (<c>from=</c>) starts as a copy of it instead of empty.
/// </summary>
public sealed class CacheMountStore
{
    private CacheMountStore(string path)
    {
        Path = path;
    }

    /// <summary><c>&lt;root&gt;/cache-mounts</c>.</summary>
    public string Path { get; }

    public static CacheMountStore Open(StoreRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var store = new CacheMountStore(System.IO.Path.Combine(root.Path, "cache-mounts"));
        Directory.CreateDirectory(store.Path);
        return store;
    }

    /// <summary>The cache directory for <paramref name="id"/>, held until the lease is disposed.</summary>
    /// <param name="mode">Permission bits of a new directory (BuildKit: 0755).</param>
    /// <param name="seed">Makes a new directory (at the path it is given) as a copy of what the cache starts from, in place of an empty one with <paramref name="mode"/>.</param>
    public async Task<CacheMountLease> AcquireAsync(
        string id, CacheSharing sharing, UnixFileMode mode, uint uid, uint gid, CancellationToken cancellationToken, Func<string, CancellationToken, Task>? seed = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var directory = System.IO.Path.Combine(Path, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id))));
        var lockPath = directory + ".lock";
        FileLock held;
        switch (sharing)
        {
            case CacheSharing.Shared:
                held = await FileLock.AcquireAsync(lockPath, exclusive: false, cancellationToken).ConfigureAwait(false);
                break;
            case CacheSharing.Locked:
                held = await FileLock.AcquireAsync(lockPath, exclusive: true, cancellationToken).ConfigureAwait(false);
                break;
            default:
                if (FileLock.TryAcquire(lockPath, exclusive: true) is { } exclusive)
                {
                    held = exclusive;
                    break;
                }

                // Someone has the cache: this run gets an empty one of its own, removed afterwards.
                var own = System.IO.Path.Combine(Path, "private-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
                await CreateAsync(own, mode, uid, gid, seed, cancellationToken).ConfigureAwait(false);
                return new CacheMountLease(own, null, remove: true);
        }

        try
        {
            if (!Directory.Exists(directory))
            {
                // Made aside and renamed, so that a shared user never sees it half set up.
                var temp = directory + ".new-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
                await CreateAsync(temp, mode, uid, gid, seed, cancellationToken).ConfigureAwait(false);
                try
                {
                    Directory.Move(temp, directory);
                }
                catch (IOException) when (Directory.Exists(directory))
                {
                    Directory.Delete(temp);
                }
            }

            return new CacheMountLease(directory, held, remove: false);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Removes every cache directory nobody uses right now (<c>kiln prune --all</c>); returns how many.</summary>
    public int Clear()
    {
        var removed = 0;
        foreach (var directory in Directory.EnumerateDirectories(Path))
        {
            var name = System.IO.Path.GetFileName(directory);
            if (name.StartsWith("private-", StringComparison.Ordinal) || name.Contains(".new-", StringComparison.Ordinal))
            {
                continue; // a run's own directory, removed by that run
            }

            using var exclusive = FileLock.TryAcquire(directory + ".lock", exclusive: true);
            if (exclusive is null)
            {
                continue;
            }

            // A RUN may have left a path longer than PATH_MAX in its cache: removed by descriptor.
            DirectoryTree.Remove(directory);
            removed++;
        }

        return removed;
    }

    private static async Task CreateAsync(string directory, UnixFileMode mode, uint uid, uint gid, Func<string, CancellationToken, Task>? seed, CancellationToken cancellationToken)
    {
        if (seed is null)
        {
            Directory.CreateDirectory(directory);
            FileOwnership.Set(directory, mode, uid, gid);
            return;
        }

        try
        {
            await seed(directory, cancellationToken).ConfigureAwait(false);
            if (!Directory.Exists(directory) || new DirectoryInfo(directory).LinkTarget is not null)
            {
                throw new IOException("a cache mount is seeded from a directory: its source= is not one");
            }
        }
        catch
        {
            if (Directory.Exists(directory) || File.Exists(directory))
            {
                if (File.Exists(directory))
                {
                    File.Delete(directory);
                }
                else
                {
                    Directory.Delete(directory, recursive: true);
                }
            }

            throw;
        }
    }
}
