using System.Security.Cryptography;
using Kiln.Content.IO;
using Kiln.Oci;

namespace Kiln.Runtime.Linux.Snapshots;

/// <summary>
/// Hashes the uncompressed tar as the extractor reads it, so that a snapshot is published under a diffID only when
/// the bytes really have that sha256: snapshots are shared by diffID, and an image that names a well-known base
/// layer's diffID for other content must not poison every image that uses that layer.
/// </summary>
internal sealed class DiffIdCheckingStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public DiffIdCheckingStream(Stream inner)
    {
        _inner = inner;
    }

    /// <summary>Reads what the extractor left (the tar's zero padding) and checks the whole stream's digest.</summary>
    public async Task VerifyAsync(Digest expected, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }

        var actual = Digest.FromSha256Hash(_hash.GetHashAndReset());
        if (actual != expected)
        {
            throw new InvalidDataException($"layer content has diffID {actual}, the image config says {expected}");
        }
    }

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        _hash.AppendData(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
