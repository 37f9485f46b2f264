using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Kiln.Content.Paths;
using Kiln.Oci;

namespace Kiln.Build.Cache;

/// <summary>
/// The canonical encoding a cache key hashes: a header (<c>kiln-cache</c>, the encoding version, the step kind)
/// then fields, each a one-byte tag, a 4-byte big-endian length and the bytes. Lengths make the encoding
/// unambiguous (<c>["ab","c"]</c> and <c>["a","bc"]</c> differ), tags make a missing field differ from an empty
/// one, and the version is bumped whenever what is written changes, so old entries simply stop matching.
/// </summary>
internal sealed class CacheKeyWriter : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly MemoryStream? _trace;

    public CacheKeyWriter(string kind, bool trace = false)
    {
        _trace = trace ? new MemoryStream() : null;
        Raw("kiln-cache\0"u8);
        Span<byte> version = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(version, CacheKeys.EncodingVersion);
        Raw(version);
        String(0, kind);
    }

    // UTF-8 for text; a path's bytes that are not UTF-8 are written as those bytes (FileNameEncoding), so that two
    // such paths never share a key.
    public void String(byte tag, string value) => Bytes(tag, FileNameEncoding.Encode(value));

    public void OptionalString(byte tag, string? value)
    {
        if (value is not null)
        {
            String(tag, value);
        }
    }

    public void Boolean(byte tag, bool value) => Bytes(tag, [value ? (byte)1 : (byte)0]);

    public void Digest(byte tag, Digest value) => String(tag, value.ToString());

    /// <summary>A list: its count as a field, then each item under the same tag.</summary>
    public void List(byte tag, IReadOnlyCollection<string> values)
    {
        Span<byte> count = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, checked((uint)values.Count));
        Bytes(tag, count);
        foreach (var value in values)
        {
            String(tag, value);
        }
    }

    public byte[] Trace() => _trace?.ToArray() ?? [];

    public CacheKey Finish() => new(Oci.Digest.FromSha256Hash(_hash.GetHashAndReset()));

    public void Dispose()
    {
        _hash.Dispose();
        _trace?.Dispose();
    }

    private void Bytes(byte tag, ReadOnlySpan<byte> value)
    {
        Span<byte> header = stackalloc byte[5];
        header[0] = tag;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], checked((uint)value.Length));
        Raw(header);
        Raw(value);
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(bytes);
        _trace?.Write(bytes);
    }
}
