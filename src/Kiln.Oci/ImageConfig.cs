using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Oci;

/// <summary>
/// An image configuration (OCI image config, with Docker's extensions in <see cref="Config"/>).
/// </summary>
/// <remarks>
/// The top-level properties are declared in sorted order on purpose: BuildKit's exporter re-marshals the config
/// through a Go <c>map[string]json.RawMessage</c> (to patch rootfs, history and created), and Go writes map keys
/// sorted, so that is the order of every config BuildKit produces. The nested objects keep their Go struct order.
/// https://github.com/opencontainers/image-spec/blob/v1.1.0/config.md
/// </remarks>
public sealed record ImageConfig
{
    [JsonPropertyName("architecture")]
    public string Architecture { get; init; } = string.Empty;

    [JsonPropertyName("author")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Author { get; init; }

    /// <summary>
    /// The execution parameters, OPTIONAL in the spec. Go writes this struct even when it is empty (<c>"config":{}</c>).
    /// An absent one is the empty one: the source-generated reader assigns every init property, so a field the JSON
    /// leaves out would otherwise arrive as null in spite of the initializer.
    /// </summary>
    [JsonPropertyName("config")]
    public ContainerConfig Config { get; init => field = value ?? new(); } = new();

    [JsonPropertyName("created")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OciTimestamp? Created { get; init; }

    [JsonPropertyName("history")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableArray<HistoryEntry>? History { get; init; }

    [JsonPropertyName("os")]
    public string Os { get; init; } = string.Empty;

    [JsonPropertyName("os.features")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableArray<string>? OsFeatures { get; init; }

    [JsonPropertyName("os.version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OsVersion { get; init; }

    /// <summary>REQUIRED: a config read without one holds null here, which <see cref="OciDocuments.ParseConfig"/> refuses.</summary>
    [JsonPropertyName("rootfs")]
    public RootFs RootFs { get; init; } = new();

    [JsonPropertyName("variant")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    /// <summary>The platform this config states.</summary>
    [JsonIgnore]
    public OciPlatform Platform => new(Architecture, Os)
    {
        Variant = string.IsNullOrEmpty(Variant) ? null : Variant,
        OsVersion = string.IsNullOrEmpty(OsVersion) ? null : OsVersion,
        OsFeatures = OsFeatures is { IsDefaultOrEmpty: false } ? OsFeatures : null,
    };
}
