using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary><c>linux.resources.cpu</c> (config-linux.md, "CPU").</summary>
public sealed record OciCpu
{
    [JsonPropertyName("shares")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Shares { get; init; }

    [JsonPropertyName("quota")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Quota { get; init; }

    [JsonPropertyName("period")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Period { get; init; }

    [JsonPropertyName("cpus")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Cpus { get; init; }

    [JsonPropertyName("mems")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Mems { get; init; }
}
