using System.Collections.Immutable;
using System.Text.Json;
using Kiln.Oci;

namespace Kiln.Registry.Transfer;

/// <summary>
/// The descriptors a manifest or index points at, which is all a transfer needs to walk an image. Read straight
/// from the JSON so that unknown fields never matter and every digest and size is validated before it is used.
/// </summary>
internal sealed record ManifestLinks(Descriptor? Config, ImmutableArray<Descriptor> Layers, ImmutableArray<Descriptor> Manifests)
{
    public static ManifestLinks Parse(RegistryManifest manifest)
    {
        try
        {
            using var document = JsonDocument.Parse(manifest.Content);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(manifest, "it is not a JSON object");
            }

            if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != 2)
            {
                throw Invalid(manifest, "schemaVersion is not 2");
            }

            if (MediaTypes.IsIndex(manifest.Descriptor.MediaType))
            {
                return new ManifestLinks(null, [], ReadArray(manifest, root, "manifests"));
            }

            if (!root.TryGetProperty("config", out var config))
            {
                throw Invalid(manifest, "it has no config");
            }

            return new ManifestLinks(ReadDescriptor(manifest, config), ReadArray(manifest, root, "layers"), []);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw Invalid(manifest, e.Message, e);
        }
    }

    private static ImmutableArray<Descriptor> ReadArray(RegistryManifest manifest, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(manifest, $"it has no \"{name}\" array");
        }

        return [.. array.EnumerateArray().Select(e => ReadDescriptor(manifest, e))];
    }

    private static Descriptor ReadDescriptor(RegistryManifest manifest, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("mediaType", out var mediaType) || mediaType.ValueKind != JsonValueKind.String
            || !element.TryGetProperty("digest", out var digest) || digest.ValueKind != JsonValueKind.String
            || !element.TryGetProperty("size", out var size) || !size.TryGetInt64(out var length) || length < 0)
        {
            throw Invalid(manifest, "a descriptor lacks a media type, digest or non-negative size");
        }

        if (!Digest.TryParse(digest.GetString(), out var parsed, out var error))
        {
            throw Invalid(manifest, error);
        }

        var descriptor = new Descriptor(mediaType.GetString()!, parsed, length);
        if (element.TryGetProperty("platform", out var platform) && platform.ValueKind == JsonValueKind.Object
            && platform.TryGetProperty("os", out var os) && os.ValueKind == JsonValueKind.String
            && platform.TryGetProperty("architecture", out var architecture) && architecture.ValueKind == JsonValueKind.String)
        {
            descriptor = descriptor with
            {
                Platform = new OciPlatform(architecture.GetString()!, os.GetString()!)
                {
                    Variant = platform.TryGetProperty("variant", out var variant) && variant.ValueKind == JsonValueKind.String ? variant.GetString() : null,
                },
            };
        }

        return descriptor;
    }

    private static RegistryException Invalid(RegistryManifest manifest, string why, Exception? inner = null) =>
        inner is null
            ? new RegistryException($"manifest {manifest.Descriptor.Digest} is invalid: {why}")
            : new RegistryException($"manifest {manifest.Descriptor.Digest} is invalid: {why}", inner);
}
