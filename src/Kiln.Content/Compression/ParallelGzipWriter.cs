using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Kiln.Content.Compression;

/// <summary>
/// Writes one gzip member (RFC 1952) whose deflate data is compressed pigz-style: the input is cut into blocks of
/// exactly <see cref="BlockSize"/> bytes, each block is deflated on its own by up to <c>workers</c> threads at once,
/// and the pieces are written strictly in input order. Every block but the last ends with a zlib sync flush, which
/// byte-aligns the output with an empty stored block that is not final, so the pieces concatenate into one valid
/// deflate stream (RFC 1951 section 3.2.3: only the last block carries BFINAL). Since a block's bytes depend only on
/// its input and the level, the output is the same whatever the number of workers and the thread timing.
/// </summary>
/// <remarks>
/// Unlike pigz, a block does not start with the previous 32 KiB as a preset dictionary (DeflateStream has no way to
/// set one); that costs a little ratio at each block boundary and nothing in validity.
/// Memory: each block in flight holds its input and its output, about 2 × <see cref="BlockSize"/>, from a pool of its own.
/// </remarks>
internal sealed class ParallelGzipWriter : IAsyncDisposable
{
    /// <summary>Changing this changes every gzip layer digest.</summary>
    internal const int BlockSize = 1024 * 1024;

    /// <summary>
    /// Past this many workers compression outruns tar and sha256 on one thread (~700 MB/s against ~100 MB/s per
    /// zlib thread at level 3), so more would only hold more blocks in memory.
    /// </summary>
    internal const int MaxWorkers = 16;

    // A final fixed-Huffman block holding only end-of-block: what zlib emits for an empty final deflate stream, needed
    // when the input ends exactly on a block boundary (or is empty), since DeflateStream writes nothing when it was
    // given nothing.
    private static readonly byte[] EmptyFinalBlock = [0x03, 0x00];

    // Not ArrayPool<byte>.Shared, whose per-thread caches may keep a block-sized array on every thread-pool thread
    // that touched one (inputs are returned on workers, outputs on whichever thread writes): this pool has no
    // per-thread caches, so it keeps at most what was in flight at once, and it allocates lazily.
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(2 * BlockSize, (2 * MaxWorkers) + 2);

    private readonly Stream _output;

    private readonly int _level;

    private readonly int _workers;

    private readonly Queue<Task<CompressedBlock>> _inFlight = new();

    private readonly Crc32 _crc = new();

    private byte[]? _block;

    private int _filled;

    private long _length;

    private bool _started;

    /// <param name="output">Receives the gzip member; left open.</param>
    /// <param name="level">zlib level, 1-9.</param>
    /// <param name="workers">Blocks compressed at once, at least 1; capped at <see cref="MaxWorkers"/>.</param>
    public ParallelGzipWriter(Stream output, int level, int workers)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _output = output;
        _level = level;
        _workers = Math.Min(workers, MaxWorkers);
        _block = Pool.Rent(BlockSize);
    }

    /// <summary>Bytes of uncompressed input so far.</summary>
    public long Length => _length + _filled;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var block = _block ?? throw new InvalidOperationException("the gzip member is already finished");
            var count = Math.Min(data.Length, BlockSize - _filled);
            data.Span[..count].CopyTo(block.AsSpan(_filled));
            _filled += count;
            data = data[count..];
            if (_filled == BlockSize)
            {
                await DispatchAsync(final: false, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Compresses what is left as the final block, writes every block in order, then the CRC-32 and ISIZE.</summary>
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_block is null)
        {
            throw new InvalidOperationException("the gzip member is already finished");
        }

        await DispatchAsync(final: true, cancellationToken).ConfigureAwait(false);
        while (_inFlight.Count > 0)
        {
            await WriteOldestAsync(cancellationToken).ConfigureAwait(false);
        }

        // RFC 1952 section 2.3.1: CRC32 of the uncompressed data, then ISIZE = its length modulo 2^32, both little-endian.
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), unchecked((uint)_length));
        await _output.WriteAsync(trailer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Abandons what is unwritten: waits for blocks in flight (their errors no longer matter) and returns every buffer.</summary>
    public async ValueTask DisposeAsync()
    {
        while (_inFlight.TryDequeue(out var pending))
        {
            try
            {
                var compressed = await pending.ConfigureAwait(false);
                Pool.Return(compressed.Buffer);
            }
#pragma warning disable CA1031 // the write already failed with the error that matters
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        if (_block is { } block)
        {
            _block = null;
            Pool.Return(block);
        }
    }

    private async ValueTask DispatchAsync(bool final, CancellationToken cancellationToken)
    {
        if (!_started)
        {
            _started = true;
            await _output.WriteAsync(Header(_level), cancellationToken).ConfigureAwait(false);
        }

        // Keep at most _workers blocks in flight; the oldest is written first, so output stays in input order.
        while (_inFlight.Count >= _workers)
        {
            await WriteOldestAsync(cancellationToken).ConfigureAwait(false);
        }

        var block = _block!;
        var filled = _filled;
        _crc.Append(block.AsSpan(0, filled));
        _length += filled;
        _block = final ? null : Pool.Rent(BlockSize);
        _filled = 0;
        var level = _level;

        // CancellationToken.None: a started block always runs to the end, so that its buffers go back to the pool.
        _inFlight.Enqueue(Task.Run(() => Compress(block, filled, level, final), CancellationToken.None));
    }

    private async ValueTask WriteOldestAsync(CancellationToken cancellationToken)
    {
        var compressed = await _inFlight.Dequeue().ConfigureAwait(false);
        try
        {
            await _output.WriteAsync(compressed.Buffer.AsMemory(0, compressed.Length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Pool.Return(compressed.Buffer);
        }
    }

    /// <summary>Deflates one block; takes ownership of <paramref name="input"/> and returns it to the pool.</summary>
    internal static CompressedBlock Compress(byte[] input, int length, int level, bool final)
    {
        try
        {
            // As large as the input: the pool rounds sizes up to a power of two, so asking for the few bytes more that
            // incompressible data needs (5 per 16 KiB stored block) would take twice the memory for every block.
            // Such a block grows its buffer once instead.
            var sink = new PooledBufferStream(Pool, BlockSize);
            using (sink)
            {
                if (length == 0)
                {
                    if (final)
                    {
                        sink.Write(EmptyFinalBlock);
                    }

                    return new CompressedBlock(sink.Detach(), (int)sink.Length);
                }

                int kept;
                var deflate = new DeflateStream(sink, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
                using (deflate)
                {
                    // One write of the whole block: zlib-ng's output depends on how its input is split into calls.
                    deflate.Write(input, 0, length);
                    if (final)
                    {
                        deflate.Dispose();
                    }
                    else
                    {
                        // A sync flush (Z_SYNC_FLUSH): all input is out, ending on a byte boundary with an empty stored
                        // block that is not final. What Dispose appends after it is a final block and is dropped.
                        deflate.Flush();
                    }

                    kept = (int)sink.Length;
                }

                return new CompressedBlock(sink.Detach(), kept);
            }
        }
        finally
        {
            Pool.Return(input);
        }
    }

    /// <summary>
    /// The 10-byte header .NET's GZipStream writes: ID1 ID2, CM 8 (deflate), no flags, MTIME 0 (no time, so layers are
    /// reproducible), XFL as zlib sets it (2 for level 9, 4 for level 1, else 0), OS 3 (Unix). RFC 1952 section 2.3.
    /// </summary>
    internal static byte[] Header(int level) =>
        [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, level == 9 ? (byte)0x02 : level == 1 ? (byte)0x04 : (byte)0x00, 0x03];

    /// <summary>A pooled array holding <see cref="Length"/> bytes of deflate data.</summary>
    internal readonly record struct CompressedBlock(byte[] Buffer, int Length);
}
