using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary><c>linux.resources.memory</c> (config-linux.md, "Memory"): bytes; <c>swap</c> is memory plus swap.</summary>
public sealed record OciMemory
{
    [JsonPropertyName("limit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Limit { get; init; }

    [JsonPropertyName("swap")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Swap { get; init; }
}
