using Kiln.Oci;

namespace Kiln.Content.Store;

/// <summary>
/// A blob being written: a temp file under <c>ingest/</c>, hashed as it is written. Nothing is visible
/// under <c>blobs/</c> until <see cref="CommitAsync(CancellationToken)"/> has verified, fsynced and renamed
/// it; disposing without a commit deletes the temp file, and a process killed mid-write leaves only the
/// temp file, which the next store open (or prune) removes.
/// </summary>
public sealed class IngestStream : Stream
{
    private readonly ContentStore _store;
    private readonly FileStream _file;
    private readonly DigestHasher _hasher;
    private readonly FileLock _lease;
    private long _length;
    private bool _done;

    internal IngestStream(ContentStore store, FileStream file, string algorithm, FileLock lease)
    {
        _store = store;
        _file = file;
        _lease = lease;
        _hasher = DigestHasher.Create(algorithm);
    }

    /// <summary>The algorithm this writer hashes with.</summary>
    public string Algorithm => _hasher.Algorithm;

    /// <summary>
    /// The digest of the bytes written so far: what a writer of uncompressed content (a plain tar layer) takes as
    /// its diffID, instead of hashing the same bytes a second time.
    /// </summary>
    public Digest CurrentDigest
    {
        get
        {
            EnsureOpen();
            return _hasher.Current();
        }
    }

    /// <summary>The temp file, for tests and diagnostics.</summary>
    public string TempPath => _file.Name;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_done;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException("a blob is written front to back");
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureOpen();
        _file.Write(buffer);
        _hasher.Append(buffer);
        _length += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        _hasher.Append(buffer.Span);
        _length += buffer.Length;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stores the content under whatever digest it hashed to.</summary>
    public Task<BlobInfo> CommitAsync(CancellationToken cancellationToken) => CommitCoreAsync(null, null, cancellationToken);

    /// <summary>
    /// Stores the content only if it hashed to <paramref name="expected"/> (and has <paramref name="expectedSize"/>
    /// bytes, when given); otherwise deletes it and throws <see cref="DigestMismatchException"/>.
    /// </summary>
    public Task<BlobInfo> CommitAsync(Digest expected, long? expectedSize, CancellationToken cancellationToken)
    {
        if (expected.IsEmpty)
        {
            throw new ArgumentException("an empty digest cannot be expected", nameof(expected));
        }

        if (expected.Algorithm != _hasher.Algorithm)
        {
            throw new ArgumentException($"this writer hashes {_hasher.Algorithm}, not {expected.Algorithm}", nameof(expected));
        }

        return CommitCoreAsync(expected, expectedSize, cancellationToken);
    }

    private async Task<BlobInfo> CommitCoreAsync(Digest? expected, long? expectedSize, CancellationToken cancellationToken)
    {
        EnsureOpen();
        _done = true;
        try
        {
            var actual = _hasher.Finish();
            if (expectedSize is { } size && size != _length)
            {
                throw new DigestMismatchException($"content for {expected} has {_length} bytes, {size} were expected");
            }

            if (expected is { } digest && digest != actual)
            {
                throw new DigestMismatchException($"content was expected to be {digest} but hashes to {actual} ({_length} bytes)");
            }

            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);

            // fsync before the rename: otherwise a crash can leave a renamed blob with no data blocks.
            _file.Flush(flushToDisk: true);
            await _file.DisposeAsync().ConfigureAwait(false);
            _store.Publish(_file.Name, actual);
            return new BlobInfo(actual, _length);
        }
        finally
        {
            await DiscardAsync().ConfigureAwait(false);
        }
    }

    private void EnsureOpen() => ObjectDisposedException.ThrowIf(_done, this);

    private async Task DiscardAsync()
    {
        _done = true;
        await _file.DisposeAsync().ConfigureAwait(false);
        ContentStore.TryDelete(_file.Name);
        _hasher.Dispose();
        _lease.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _done = true;
            _file.Dispose();
            ContentStore.TryDelete(_file.Name);
            _hasher.Dispose();
            _lease.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await DiscardAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
