using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Kiln.Oci.Json;

namespace Kiln.Oci;

/// <summary>
/// A pointer to content: its media type, digest and size (OCI image spec, "Content Descriptors"),
/// with the optional fields an index or manifest may carry, in image-spec's Go struct order.
/// </summary>
/// <remarks>https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md</remarks>
public sealed record Descriptor(
    [property: JsonPropertyName("mediaType")] string MediaType,
    [property: JsonPropertyName("digest")] Digest Digest,
    [property: JsonPropertyName("size")] long Size)
{
    [JsonPropertyName("urls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<string>? Urls { get; init; }

    [JsonPropertyName("annotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(StringMapJsonConverter))]
    public ImmutableSortedDictionary<string, string>? Annotations { get; init; }

    /// <summary>The embedded content itself (base64 in JSON); when present it MUST match digest and size.</summary>
    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReadOnlyMemory<byte>? Data { get; init; }

    [JsonPropertyName("platform")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OciPlatform? Platform { get; init; }

    [JsonPropertyName("artifactType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }
}
