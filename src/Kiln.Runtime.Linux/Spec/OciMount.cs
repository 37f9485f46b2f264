using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <remarks>https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config.md#mounts</remarks>
public sealed record OciMount(
    [property: JsonPropertyName("destination")] string Destination,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("options")] ImmutableArray<string> Options);
