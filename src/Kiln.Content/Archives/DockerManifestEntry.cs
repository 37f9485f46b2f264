using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Content.Archives;

/// <summary>
/// One image in a docker archive's <c>manifest.json</c> (moby's <c>tarexport.manifestItem</c>): the config file,
/// the names, and the layer files base first, as paths inside the archive. Docker 25+ points them into
/// <c>blobs/sha256/</c>; older docker and containers/image write <c>&lt;id&gt;.json</c> and <c>&lt;id&gt;/layer.tar</c>.
/// <c>LayerSources</c> (foreign layers) and <c>Parent</c> are ignored when read and never written.
/// </summary>
internal sealed record DockerManifestEntry
{
    [JsonPropertyName("Config")]
    public required string Config { get; init; }

    [JsonPropertyName("RepoTags")]
    public ImmutableArray<string>? RepoTags { get; init; }

    [JsonPropertyName("Layers")]
    public ImmutableArray<string>? Layers { get; init; }
}
