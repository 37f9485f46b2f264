using System.Text.Json.Serialization;

namespace Kiln.Registry;

/// <summary>The one field read from a manifest before its type is known: registries that omit Content-Type still send <c>mediaType</c> in the body.</summary>
internal sealed record ManifestProbe(
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("schemaVersion")] int? SchemaVersion);
