using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>
/// The part of an OCI runtime <c>config.json</c> Kiln writes (runtime-spec v1.0.2, which crun and runc both read).
/// </summary>
/// <remarks>https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config.md</remarks>
public sealed record OciSpec(
    [property: JsonPropertyName("ociVersion")] string OciVersion,
    [property: JsonPropertyName("process")] OciProcess Process,
    [property: JsonPropertyName("root")] OciRoot Root,
    [property: JsonPropertyName("hostname")] string Hostname,
    [property: JsonPropertyName("mounts")] ImmutableArray<OciMount> Mounts,
    [property: JsonPropertyName("linux")] OciLinux Linux);
