using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary><c>linux.resources.pids</c> (config-linux.md, "PIDs"): at most this many tasks, -1 for unlimited.</summary>
public sealed record OciPids([property: JsonPropertyName("limit")] long Limit);
