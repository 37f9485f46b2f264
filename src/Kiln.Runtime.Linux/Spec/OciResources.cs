using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>
/// <c>linux.resources</c>: a privileged run's device rules (every device allowed, as BuildKit's insecure mode does),
/// and on cgroup v2 hosts the step's limits, which the runtime applies to the cgroup it makes (on cgroup v1 kiln
/// sets them itself, see <c>StepCgroup</c>). What is not set is left out.
/// </summary>
public sealed record OciResources
{
    [JsonPropertyName("devices")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<OciDeviceRule> Devices { get; init; }

    [JsonPropertyName("memory")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OciMemory? Memory { get; init; }

    [JsonPropertyName("cpu")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OciCpu? Cpu { get; init; }

    [JsonPropertyName("pids")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OciPids? Pids { get; init; }
}
