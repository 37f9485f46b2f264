using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Kiln.Oci.Json;

namespace Kiln.Oci;

/// <summary>
/// An image index: an OCI image index or a Docker manifest list. Properties in the order of image-spec's Go
/// struct (specs-go/v1/index.go).
/// </summary>
/// <remarks>https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md</remarks>
public sealed record ImageIndex
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("mediaType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("manifests")]
    public ImmutableArray<Descriptor> Manifests { get; init; } = [];

    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Descriptor? Subject { get; init; }

    [JsonPropertyName("annotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(StringMapJsonConverter))]
    public ImmutableSortedDictionary<string, string>? Annotations { get; init; }
}
