using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

public sealed record OciRoot(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("readonly")] bool ReadOnly);
