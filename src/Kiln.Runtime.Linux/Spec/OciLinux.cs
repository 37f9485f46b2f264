using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>
/// No <c>cgroupsPath</c>, and no <c>resources</c> but a privileged run's device rules: RUN steps are not limited, and
/// leaving cgroups out is what lets crun run on cgroup v1 hybrid hosts (see <c>ContainerRunner</c>).
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
    /// A privileged run's device rules (runc enforces its default allowlist on the devices above otherwise); null,
    /// and so absent, for every other run.
    /// </summary>
    [JsonPropertyName("resources")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OciResources? Resources { get; init; }
}
