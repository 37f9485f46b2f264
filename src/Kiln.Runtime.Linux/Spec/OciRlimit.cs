using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

public sealed record OciRlimit(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("hard")] ulong Hard,
    [property: JsonPropertyName("soft")] ulong Soft);
