using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

public sealed record OciNamespace([property: JsonPropertyName("type")] string Type);
