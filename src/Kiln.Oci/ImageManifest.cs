using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Kiln.Oci.Json;

namespace Kiln.Oci;

/// <summary>
/// An image manifest: an OCI image manifest or a Docker image manifest v2 schema 2, which share one shape.
/// Properties are declared in the order of image-spec's Go struct (specs-go/v1/manifest.go), which is the order
/// Go's encoding/json writes them in.
/// </summary>
/// <remarks>https://github.com/opencontainers/image-spec/blob/v1.1.0/manifest.md</remarks>
public sealed record ImageManifest
{
    /// <summary>MUST be 2 for both OCI and Docker schema 2 manifests.</summary>
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    /// <summary>OCI: SHOULD be set (and MUST be the manifest type when set). Docker: always set.</summary>
    [JsonPropertyName("mediaType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("config")]
    public required Descriptor Config { get; init; }

    [JsonPropertyName("layers")]
    public ImmutableArray<Descriptor> Layers { get; init; } = [];

    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Descriptor? Subject { get; init; }

    [JsonPropertyName("annotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(StringMapJsonConverter))]
    public ImmutableSortedDictionary<string, string>? Annotations { get; init; }
}
