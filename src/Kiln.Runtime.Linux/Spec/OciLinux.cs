using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>
/// <c>cgroupsPath</c> and the limits in <c>resources</c> only for a step with limits on a cgroup v2 host; on cgroup v1
/// kiln makes the step's cgroup itself, and a step without limits has no cgroup of its own, which is what lets crun
/// run without cgroups on cgroup v1 hybrid hosts (see <c>ContainerRunner</c>).
/// </summary>
/// <remarks>https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config-linux.md</remarks>
public sealed record OciLinux(
    [property: JsonPropertyName("namespaces")] ImmutableArray<OciNamespace> Namespaces,
    [property: JsonPropertyName("maskedPaths")] ImmutableArray<string> MaskedPaths,
    [property: JsonPropertyName("readonlyPaths")] ImmutableArray<string> ReadonlyPaths)
{
    /// <summary>Device nodes beyond the runtime's defaults (a privileged run's host devices); none otherwise.</summary>
    [JsonPropertyName("devices")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<OciDevice> Devices { get; init; }

    /// <summary>
    /// A privileged run's device rules (runc enforces its default allowlist on the devices above otherwise), and a
    /// step's limits on a cgroup v2 host; null, and so absent, for every other run.
    /// </summary>
    [JsonPropertyName("resources")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OciResources? Resources { get; init; }

    /// <summary>The cgroup the runtime makes and puts the container in (absolute: under the hierarchy's root); null, and so absent, for the runtime's default.</summary>
    [JsonPropertyName("cgroupsPath")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CgroupsPath { get; init; }
}
