using System.Security.Cryptography;
using System.Text.Json;

namespace Kiln.Oci;

/// <summary>The MUSTs of the image spec that a parsed document can still break.</summary>
internal static class OciValidation
{
    public static void ValidateManifest(ImageManifest manifest, ReadOnlySpan<byte> raw)
    {
        const string What = "image manifest";
        CheckSchemaVersion(manifest.SchemaVersion, What);
        if (manifest.MediaType is not null && !MediaTypes.IsManifest(manifest.MediaType))
        {
            throw new OciFormatException($"invalid {What}: mediaType is \"{manifest.MediaType}\", expected {MediaTypes.OciManifest} or {MediaTypes.DockerManifest}");
        }

        // A document that is both a manifest and an index could be read differently by two clients
        // (CVE-2021-41190); the spec now forbids it, as containerd does.
        if (TopLevelKeys(raw, What, out _).Contains("manifests"))
        {
            throw new OciFormatException($"invalid {What}: it has a \"manifests\" field, so it may be an index in disguise");
        }

        CheckDescriptor(manifest.Config, What, "config");
        if (manifest.Layers.IsDefault)
        {
            throw new OciFormatException($"invalid {What}: layers is missing");
        }

        for (var i = 0; i < manifest.Layers.Length; i++)
        {
            CheckDescriptor(manifest.Layers[i], What, $"layers[{i}]");
        }

        if (manifest.Subject is not null)
        {
            CheckDescriptor(manifest.Subject, What, "subject");
        }

        if (manifest.MediaType == MediaTypes.DockerManifest && manifest.Config.MediaType != MediaTypes.DockerConfig)
        {
            throw new OciFormatException($"invalid {What}: a Docker schema 2 manifest needs a {MediaTypes.DockerConfig} config, not \"{manifest.Config.MediaType}\"");
        }
    }

    public static void ValidateIndex(ImageIndex index, ReadOnlySpan<byte> raw)
    {
        const string What = "image index";
        CheckSchemaVersion(index.SchemaVersion, What);
        if (index.MediaType is not null && !MediaTypes.IsIndex(index.MediaType))
        {
            throw new OciFormatException($"invalid {What}: mediaType is \"{index.MediaType}\", expected {MediaTypes.OciIndex} or {MediaTypes.DockerManifestList}");
        }

        var keys = TopLevelKeys(raw, What, out _);
        if (keys.Contains("config") || keys.Contains("layers"))
        {
            throw new OciFormatException($"invalid {What}: it has a \"config\" or \"layers\" field, so it may be a manifest in disguise");
        }

        if (index.Manifests.IsDefault)
        {
            throw new OciFormatException($"invalid {What}: manifests is missing");
        }

        for (var i = 0; i < index.Manifests.Length; i++)
        {
            CheckDescriptor(index.Manifests[i], What, $"manifests[{i}]");
        }

        if (index.Subject is not null)
        {
            CheckDescriptor(index.Subject, What, "subject");
        }
    }

    public static void ValidateConfig(ImageConfig config)
    {
        const string What = "image config";
        if (string.IsNullOrEmpty(config.Architecture) || string.IsNullOrEmpty(config.Os))
        {
            throw new OciFormatException($"invalid {What}: architecture and os are required (found \"{config.Architecture}\" and \"{config.Os}\")");
        }

        // The reader leaves a REQUIRED object the JSON lacks as null, whatever the property's type says.
        if (config.RootFs is null)
        {
            throw new OciFormatException($"invalid {What}: rootfs is missing");
        }

        if (config.RootFs.Type != "layers")
        {
            throw new OciFormatException($"invalid {What}: rootfs.type must be \"layers\", not \"{config.RootFs.Type}\"");
        }

        if (config.RootFs.DiffIds.IsDefault)
        {
            throw new OciFormatException($"invalid {What}: rootfs.diff_ids is missing");
        }

        foreach (var diffId in config.RootFs.DiffIds)
        {
            if (diffId.IsEmpty)
            {
                throw new OciFormatException($"invalid {What}: rootfs.diff_ids has an empty digest");
            }
        }

        var healthcheck = config.Config.Healthcheck;
        if (healthcheck is not null && (healthcheck.Interval < 0 || healthcheck.Timeout < 0 || healthcheck.StartPeriod < 0 ||
                                        healthcheck.StartInterval < 0 || healthcheck.Retries < 0))
        {
            throw new OciFormatException($"invalid {What}: Healthcheck durations and retries cannot be negative");
        }
    }

    public static void ValidateImage(ImageManifest manifest, ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(config);
        var layers = manifest.Layers.IsDefault ? 0 : manifest.Layers.Length;
        var diffIds = config.RootFs.DiffIds.IsDefault ? 0 : config.RootFs.DiffIds.Length;
        if (layers != diffIds)
        {
            throw new OciFormatException($"the image has {layers} layer(s) in its manifest but {diffIds} diff_id(s) in its config");
        }
    }

    public static HashSet<string> TopLevelKeys(ReadOnlySpan<byte> raw, string what, out string? mediaType)
    {
        mediaType = null;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(raw);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new OciFormatException($"invalid {what}: expected a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                if (!keys.Add(key))
                {
                    throw new OciFormatException($"invalid {what}: duplicate field \"{key}\"");
                }

                reader.Read();
                if (key == "mediaType" && reader.TokenType == JsonTokenType.String)
                {
                    mediaType = reader.GetString();
                }

                reader.Skip();
            }
        }
        catch (JsonException e)
        {
            throw new OciFormatException($"invalid {what}: {e.Message}", e);
        }

        return keys;
    }

    private static void CheckSchemaVersion(int schemaVersion, string what)
    {
        if (schemaVersion == 0)
        {
            throw new OciFormatException($"invalid {what}: schemaVersion is missing (it MUST be 2)");
        }

        if (schemaVersion != 2)
        {
            throw new OciFormatException($"invalid {what}: schemaVersion is {schemaVersion}, expected 2");
        }
    }

    private static void CheckDescriptor(Descriptor descriptor, string what, string field)
    {
        if (!IsMediaType(descriptor.MediaType))
        {
            throw new OciFormatException($"invalid {what}: {field}.mediaType \"{descriptor.MediaType}\" is not a media type (type/subtype)");
        }

        if (descriptor.Digest.IsEmpty)
        {
            throw new OciFormatException($"invalid {what}: {field}.digest is missing");
        }

        if (descriptor.Size < 0)
        {
            throw new OciFormatException($"invalid {what}: {field}.size is {descriptor.Size}; sizes cannot be negative");
        }

        if (descriptor.Platform is { } platform && (string.IsNullOrEmpty(platform.Os) || string.IsNullOrEmpty(platform.Architecture)))
        {
            throw new OciFormatException($"invalid {what}: {field}.platform needs both os and architecture");
        }

        // Embedded data MUST match the descriptor it is embedded in.
        if (descriptor.Data is { } data)
        {
            var span = data.Span;
            var actual = descriptor.Digest.Algorithm == "sha512"
                ? $"sha512:{Convert.ToHexStringLower(SHA512.HashData(span))}"
                : Digest.Sha256Of(span).ToString();
            if (data.Length != descriptor.Size || actual != descriptor.Digest.ToString())
            {
                throw new OciFormatException($"invalid {what}: {field}.data does not match its digest and size");
            }
        }
    }

    // RFC 6838 section 4.2 restricted names, which image-spec's descriptor mediaType refers to.
    private static bool IsMediaType(string? mediaType)
    {
        if (string.IsNullOrEmpty(mediaType))
        {
            return false;
        }

        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && IsRestrictedName(mediaType.AsSpan(0, slash)) && IsRestrictedName(mediaType.AsSpan(slash + 1));
    }

    private static bool IsRestrictedName(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > 127 || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('!' or '#' or '$' or '&' or '^' or '_' or '.' or '+' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
