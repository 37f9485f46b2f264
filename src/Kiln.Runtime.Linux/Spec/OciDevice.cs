using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>A device node the runtime creates in the container (config-linux.md, "Devices").</summary>
public sealed record OciDevice(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("major")] long Major,
    [property: JsonPropertyName("minor")] long Minor,
    [property: JsonPropertyName("fileMode")] uint FileMode,
    [property: JsonPropertyName("uid")] uint Uid,
    [property: JsonPropertyName("gid")] uint Gid);
