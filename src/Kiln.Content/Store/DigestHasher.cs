using System.Security.Cryptography;
using Kiln.Oci;

namespace Kiln.Content.Store;

/// <summary>An incremental hash for one of the digest algorithms the store accepts.</summary>
internal sealed class DigestHasher : IDisposable
{
    private readonly IncrementalHash _hash;

    private DigestHasher(string algorithm, IncrementalHash hash)
    {
        Algorithm = algorithm;
        _hash = hash;
    }

    public string Algorithm { get; }

    public static DigestHasher Create(string algorithm) => algorithm switch
    {
        "sha256" => new DigestHasher(algorithm, IncrementalHash.CreateHash(HashAlgorithmName.SHA256)),
        "sha512" => new DigestHasher(algorithm, IncrementalHash.CreateHash(HashAlgorithmName.SHA512)),
        _ => throw new NotSupportedException($"digest algorithm {algorithm} is not supported"),
    };

    public void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);

    public Digest Finish()
    {
        Span<byte> buffer = stackalloc byte[SHA512.HashSizeInBytes];
        return ToDigest(buffer[.._hash.GetHashAndReset(buffer)]);
    }

    /// <summary>The digest of what was appended so far; appending may go on.</summary>
    public Digest Current()
    {
        Span<byte> buffer = stackalloc byte[SHA512.HashSizeInBytes];
        return ToDigest(buffer[.._hash.GetCurrentHash(buffer)]);
    }

    public void Dispose() => _hash.Dispose();

    private Digest ToDigest(ReadOnlySpan<byte> hash) => Digest.Parse($"{Algorithm}:{Convert.ToHexStringLower(hash)}");
}
