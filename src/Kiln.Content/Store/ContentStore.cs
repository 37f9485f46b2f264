using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Kiln.Content.Native;
using Kiln.Oci;

namespace Kiln.Content.Store;

/// <summary>
/// The content-addressed blob store under one <see cref="StoreRoot"/>. Safe to share between threads and
/// between kiln processes: blob readers and writers hold a shared flock on <c>locks/store.lock</c>, prune and
/// delete an exclusive one. A caller that writes blobs and then names them (pull, build) holds a
/// <see cref="LeaseAsync"/> across both steps, so a prune in another process cannot sweep the blobs in between.
/// </summary>
public sealed class ContentStore
{
    /// <summary>An ingest file younger than this may belong to a writer that has opened it but not yet locked it.</summary>
    private static readonly TimeSpan IngestGrace = TimeSpan.FromMinutes(1);

    private ContentStore(StoreRoot root)
    {
        Root = root;
    }

    public StoreRoot Root { get; }

    internal string StoreLockPath => Path.Combine(Root.LocksPath, "store.lock");

    /// <summary>Opens (creating if needed) the store and removes temp files that interrupted writers left behind.</summary>
    public static ContentStore Open(StoreRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        Directory.CreateDirectory(Path.Combine(root.BlobsPath, "sha256"));
        Directory.CreateDirectory(root.IngestPath);
        Directory.CreateDirectory(root.LocksPath);
        var store = new ContentStore(root);
        store.CleanIngest(all: false);
        return store;
    }

    /// <summary>A shared lock that keeps prune away while held; dispose it to release.</summary>
    public Task<FileLock> LeaseAsync(CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(StoreLockPath, exclusive: false, cancellationToken);

    /// <summary>An exclusive lock: no other reader, writer or prune runs while it is held.</summary>
    public Task<FileLock> LockExclusiveAsync(CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(StoreLockPath, exclusive: true, cancellationToken);

    /// <summary>The exclusive lock if nobody holds the store now, else null.</summary>
    public FileLock? TryLockExclusive() => FileLock.TryAcquire(StoreLockPath, exclusive: true);

    /// <summary>A writer that hashes sha256 as it writes.</summary>
    public Task<IngestStream> OpenWriterAsync(CancellationToken cancellationToken) => OpenWriterAsync("sha256", cancellationToken);

    /// <summary>A writer that hashes with <paramref name="algorithm"/> (<c>sha256</c> or <c>sha512</c>).</summary>
    public async Task<IngestStream> OpenWriterAsync(string algorithm, CancellationToken cancellationToken)
    {
        using var hasherCheck = DigestHasher.Create(algorithm);
        var lease = await LeaseAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var temp = Path.Combine(Root.IngestPath, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + ".tmp");
            var file = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
                BufferSize = 64 * 1024,
            });

            // An explicit exclusive flock marks the temp file as in use, so CleanIngest in another process leaves it.
            if (!FileLock.TryLock((int)file.SafeFileHandle.DangerousGetHandle(), exclusive: true, temp))
            {
                await file.DisposeAsync().ConfigureAwait(false);
                throw new IOException($"ingest file {temp} is locked by someone else");
            }

            return new IngestStream(this, file, algorithm, lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Writes a whole stream as a blob and commits it, verified against <paramref name="expected"/> when given.</summary>
    public async Task<BlobInfo> WriteAsync(Stream content, Digest? expected, long? expectedSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var writer = await OpenWriterAsync(expected?.Algorithm ?? "sha256", cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await content.CopyToAsync(writer, cancellationToken).ConfigureAwait(false);
            return expected is { } digest
                ? await writer.CommitAsync(digest, expectedSize, cancellationToken).ConfigureAwait(false)
                : await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes small content (a manifest, a config) as a blob.</summary>
    public async Task<BlobInfo> WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var writer = await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            return await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Opens a blob for reading. The stream verifies the digest as it is read and throws
    /// <see cref="BlobCorruptException"/> at the end if the content does not match.
    /// </summary>
    public Task<Stream> OpenReadAsync(Digest digest, CancellationToken cancellationToken) => OpenReadCoreAsync(digest, lease: true, cancellationToken);

    private async Task<Stream> OpenReadCoreAsync(Digest digest, bool lease, CancellationToken cancellationToken)
    {
        var path = Root.BlobPath(digest);
        var held = lease ? await LeaseAsync(cancellationToken).ConfigureAwait(false) : null;
        try
        {
            var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 0,
            });
            return new VerifyingReadStream(file, digest, held);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            held?.Dispose();
            throw new BlobNotFoundException(digest);
        }
        catch
        {
            held?.Dispose();
            throw;
        }
    }

    /// <summary>Reads a small blob (manifest, index, config) whole, verified; refuses blobs over <paramref name="maxSize"/>.</summary>
    public Task<byte[]> ReadAllBytesAsync(Digest digest, long maxSize, CancellationToken cancellationToken) =>
        ReadAllBytesCoreAsync(digest, maxSize, lease: true, cancellationToken);

    /// <summary>As <see cref="ReadAllBytesAsync"/>, for a caller that holds the exclusive lock (a shared one would wait for it).</summary>
    internal Task<byte[]> ReadAllBytesLockedAsync(Digest digest, long maxSize, CancellationToken cancellationToken) =>
        ReadAllBytesCoreAsync(digest, maxSize, lease: false, cancellationToken);

    private async Task<byte[]> ReadAllBytesCoreAsync(Digest digest, long maxSize, bool lease, CancellationToken cancellationToken)
    {
        var stream = await OpenReadCoreAsync(digest, lease, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (stream.Length > maxSize)
            {
                throw new InvalidDataException($"blob {digest} has {stream.Length} bytes, more than the {maxSize} allowed for it");
            }

            var bytes = new byte[stream.Length];
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);

            // Reading past the end is what triggers verification.
            if (await stream.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
            {
                throw new InvalidDataException($"blob {digest} grew while it was read");
            }

            return bytes;
        }
    }

    public bool Exists(Digest digest) => File.Exists(Root.BlobPath(digest));

    /// <summary>The blob's size, or null if the store does not have it.</summary>
    public BlobInfo? Info(Digest digest)
    {
        var file = new FileInfo(Root.BlobPath(digest));
        return file.Exists ? new BlobInfo(digest, file.Length) : null;
    }

    /// <summary>Deletes one blob under the exclusive lock; false if it was not there.</summary>
    public async Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken)
    {
        using var exclusive = await LockExclusiveAsync(cancellationToken).ConfigureAwait(false);
        return DeleteLocked(digest);
    }

    /// <summary>Every blob in the store, in no particular order. Files whose names are not digests are skipped.</summary>
    public async IAsyncEnumerable<BlobInfo> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var algorithm in new[] { "sha256", "sha512" })
        {
            var directory = new DirectoryInfo(Path.Combine(Root.BlobsPath, algorithm));
            if (!directory.Exists)
            {
                continue;
            }

            foreach (var file in directory.EnumerateFiles())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Digest.TryParse($"{algorithm}:{file.Name}", out var digest))
                {
                    yield return new BlobInfo(digest, file.Length);
                }
            }
        }
    }

    /// <summary>Deletes a blob; the caller holds the exclusive lock.</summary>
    internal bool DeleteLocked(Digest digest)
    {
        var path = Root.BlobPath(digest);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        SyncDirectory(Path.GetDirectoryName(path)!);
        return true;
    }

    /// <summary>
    /// Removes temp files of interrupted writers. With <paramref name="all"/> (the caller holds the exclusive
    /// lock, so no writer runs) every file goes; otherwise only files no writer has locked and that are older
    /// than a grace period. Returns the files and bytes freed.
    /// </summary>
    internal (int Files, long Bytes) CleanIngest(bool all)
    {
        var files = 0;
        var bytes = 0L;
        var directory = new DirectoryInfo(Root.IngestPath);
        if (!directory.Exists)
        {
            return (0, 0);
        }

        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            if (entry is not FileInfo file)
            {
                continue;
            }

            if (!all && (DateTime.UtcNow - file.LastWriteTimeUtc < IngestGrace || IsLockedByWriter(file.FullName)))
            {
                continue;
            }

            var length = file.Length;
            if (TryDelete(file.FullName))
            {
                files++;
                bytes += length;
            }
        }

        return (files, bytes);
    }

    private static bool IsLockedByWriter(string path)
    {
        try
        {
            using var descriptor = RawFile.Open(path, LinuxFlags.ORdOnly | LinuxFlags.ONoFollow);
            return !FileLock.TryLock(RawFile.Fd(descriptor), exclusive: true, path);
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>
    /// Replaces a small file under the root (<c>images.json</c>) atomically: temp file in <c>ingest/</c>, fsync,
    /// rename, fsync of the directory. A crash leaves the old file or the new one, never a torn one.
    /// </summary>
    internal async Task ReplaceFileAsync(string target, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Root.IngestPath, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + ".tmp");
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                FileLock.TryLock((int)file.SafeFileHandle.DangerousGetHandle(), exclusive: true, temp);
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
            SyncDirectory(Path.GetDirectoryName(target)!);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Renames a verified, fsynced temp file into place and makes the rename durable.</summary>
    internal void Publish(string tempPath, Digest digest)
    {
        var target = Root.BlobPath(digest);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);

        // rename(2) replaces atomically: a concurrent writer of the same blob wrote the same bytes, and a
        // reader sees either the old file or the new one, never a partial blob.
        File.Move(tempPath, target, overwrite: true);
        SyncDirectory(directory);
    }

    internal static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void SyncDirectory(string path) => RawFile.SyncDirectory(path);
}
