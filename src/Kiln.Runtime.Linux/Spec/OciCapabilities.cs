using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>The capability sets; the inheritable and ambient sets stay empty, as docker and BuildKit leave them.</summary>
public sealed record OciCapabilities(
    [property: JsonPropertyName("bounding")] ImmutableArray<string> Bounding,
    [property: JsonPropertyName("effective")] ImmutableArray<string> Effective,
    [property: JsonPropertyName("permitted")] ImmutableArray<string> Permitted);
