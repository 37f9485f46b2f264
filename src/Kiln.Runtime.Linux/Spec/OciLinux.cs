using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>
/// No <c>cgroupsPath</c> and no <c>resources</c>: RUN steps are not limited, and leaving cgroups out is what lets crun
/// run on cgroup v1 hybrid hosts (see <c>ContainerRunner</c>).
/// </summary>
/// <remarks>https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config-linux.md</remarks>
public sealed record OciLinux(
    [property: JsonPropertyName("namespaces")] ImmutableArray<OciNamespace> Namespaces,
    [property: JsonPropertyName("maskedPaths")] ImmutableArray<string> MaskedPaths,
    [property: JsonPropertyName("readonlyPaths")] ImmutableArray<string> ReadonlyPaths);
