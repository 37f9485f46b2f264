using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Oci;

/// <summary>The <c>rootfs</c> of an image config: the uncompressed layer digests, base layer first.</summary>
public sealed record RootFs
{
    /// <summary>MUST be <c>layers</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "layers";

    [JsonPropertyName("diff_ids")]
    public ImmutableArray<Digest> DiffIds { get; init; } = [];
}
