using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Oci;

/// <summary>
/// Docker's HEALTHCHECK settings. Durations are Go <c>time.Duration</c> values, which encoding/json writes as
/// integer nanoseconds; they are kept as nanoseconds here so a base image's values survive exactly. Zero means
/// "inherit" and is omitted when written.
/// </summary>
/// <remarks>https://github.com/moby/docker-image-spec/blob/v1.3.1/spec.md</remarks>
public sealed record HealthcheckConfig
{
    /// <summary><c>[]</c> inherit, <c>["NONE"]</c> disabled, <c>["CMD", args...]</c>, <c>["CMD-SHELL", command]</c>.</summary>
    [JsonPropertyName("Test")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableArray<string>? Test { get; init; }

    /// <summary>Nanoseconds.</summary>
    [JsonPropertyName("Interval")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Interval { get; init; }

    /// <summary>Nanoseconds.</summary>
    [JsonPropertyName("Timeout")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Timeout { get; init; }

    /// <summary>Nanoseconds.</summary>
    [JsonPropertyName("StartPeriod")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long StartPeriod { get; init; }

    /// <summary>Nanoseconds.</summary>
    [JsonPropertyName("StartInterval")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long StartInterval { get; init; }

    [JsonPropertyName("Retries")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Retries { get; init; }
}
