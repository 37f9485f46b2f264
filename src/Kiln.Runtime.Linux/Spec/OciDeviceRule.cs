using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>One device cgroup rule (config-linux.md, "Device allowlist"); without a type or numbers it covers every device.</summary>
public sealed record OciDeviceRule(
    [property: JsonPropertyName("allow")] bool Allow,
    [property: JsonPropertyName("access")] string Access);
