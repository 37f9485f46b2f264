using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>Only the device cgroup rules, and only for a privileged run: every device allowed, as BuildKit's insecure mode does.</summary>
public sealed record OciResources([property: JsonPropertyName("devices")] ImmutableArray<OciDeviceRule> Devices);
