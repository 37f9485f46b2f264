using System.Text.Json.Serialization;

namespace Kiln.Registry;

/// <summary>One entry of a registry's error body (distribution spec, "Error Codes"): e.g. <c>MANIFEST_UNKNOWN</c>.</summary>
public sealed record RegistryError(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message);
