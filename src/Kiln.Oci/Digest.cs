using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Kiln.Oci;

/// <summary>
/// A validated content digest, <c>algorithm:hex</c> (OCI image spec, "Digests"). Only the registered
/// algorithms sha256 and sha512 are accepted, with lower-case hex of their exact length, so two equal
/// contents always have equal digests and a digest is safe to use as a file name.
/// </summary>
[JsonConverter(typeof(DigestJsonConverter))]
public readonly record struct Digest
{
    private Digest(string algorithm, string encoded)
    {
        Algorithm = algorithm;
        Encoded = encoded;
    }

    /// <summary><c>sha256</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The lower-case hex part.</summary>
    public string Encoded { get; }

    /// <summary>True for <c>default(Digest)</c>, which is not a digest of anything.</summary>
    public bool IsEmpty => Algorithm is null;

    public static Digest Parse(string text) =>
        TryParse(text, out var digest, out var error) ? digest : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? text, out Digest digest) => TryParse(text, out digest, out _);

    public static bool TryParse([NotNullWhen(true)] string? text, out Digest digest, [NotNullWhen(false)] out string? error)
    {
        digest = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "a digest cannot be empty";
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"invalid digest \"{text}\": expected algorithm:hex";
            return false;
        }

        var algorithm = text[..colon];
        var encoded = text[(colon + 1)..];
        var length = algorithm switch
        {
            "sha256" => 64,
            "sha512" => 128,
            _ => -1,
        };
        if (length < 0)
        {
            error = $"invalid digest \"{text}\": unsupported algorithm \"{algorithm}\" (sha256 and sha512 are supported)";
            return false;
        }

        if (encoded.Length != length || !encoded.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            error = $"invalid digest \"{text}\": {algorithm} needs {length} lower-case hex digits";
            return false;
        }

        digest = new Digest(algorithm, encoded);
        error = null;
        return true;
    }

    /// <summary>The sha256 digest of a finished hash.</summary>
    public static Digest FromSha256Hash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"a sha256 hash has {SHA256.HashSizeInBytes} bytes, not {hash.Length}", nameof(hash));
        }

        return new Digest("sha256", Convert.ToHexStringLower(hash));
    }

    /// <summary>The sha256 digest of <paramref name="content"/>.</summary>
    public static Digest Sha256Of(ReadOnlySpan<byte> content) => FromSha256Hash(SHA256.HashData(content));

    public override string ToString() => IsEmpty ? string.Empty : $"{Algorithm}:{Encoded}";
}
