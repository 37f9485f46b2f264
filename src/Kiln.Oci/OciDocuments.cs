using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kiln.Oci;

/// <summary>
/// Reading (parse + validate, raw bytes kept) and writing (canonical bytes) of manifests, indexes and configs.
/// Every failure is an <see cref="OciFormatException"/> that says which document and what is wrong.
/// </summary>
public static class OciDocuments
{
    public static ParsedDocument<ImageManifest> ParseManifest(ReadOnlySpan<byte> raw)
    {
        var document = Parse(raw, OciJsonContext.Default.ImageManifest, "image manifest");
        OciValidation.ValidateManifest(document.Value, raw);
        return document;
    }

    public static ParsedDocument<ImageIndex> ParseIndex(ReadOnlySpan<byte> raw)
    {
        var document = Parse(raw, OciJsonContext.Default.ImageIndex, "image index");
        OciValidation.ValidateIndex(document.Value, raw);
        return document;
    }

    public static ParsedDocument<ImageConfig> ParseConfig(ReadOnlySpan<byte> raw)
    {
        var document = Parse(raw, OciJsonContext.Default.ImageConfig, "image config");
        OciValidation.ValidateConfig(document.Value);
        return document;
    }

    /// <summary>
    /// The media type of a manifest or index whose transport did not say (an OCI layout entry, a registry's
    /// generic Content-Type): its <c>mediaType</c> field, else inferred from <c>manifests</c> or <c>config</c>,
    /// as containerd does for OCI documents without one.
    /// </summary>
    public static string DetectManifestMediaType(ReadOnlySpan<byte> raw)
    {
        var keys = OciValidation.TopLevelKeys(raw, "document", out var mediaType);
        if (mediaType is not null)
        {
            return mediaType;
        }

        return keys.Contains("manifests") ? MediaTypes.OciIndex
            : keys.Contains("config") || keys.Contains("layers") ? MediaTypes.OciManifest
            : throw new OciFormatException("the document is neither an image manifest nor an image index: it has no mediaType, manifests or config");
    }

    public static ParsedDocument<ImageManifest> Write(ImageManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var raw = CanonicalJson.Serialize(manifest);
        OciValidation.ValidateManifest(manifest, raw);
        return Wrap(manifest, raw);
    }

    public static ParsedDocument<ImageIndex> Write(ImageIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var raw = CanonicalJson.Serialize(index);
        OciValidation.ValidateIndex(index, raw);
        return Wrap(index, raw);
    }

    public static ParsedDocument<ImageConfig> Write(ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        OciValidation.ValidateConfig(config);
        return Wrap(config, CanonicalJson.Serialize(config));
    }

    /// <summary>
    /// Checks that a config belongs with a manifest: one <c>rootfs.diff_ids</c> entry per layer, in order.
    /// </summary>
    public static void ValidateImage(ImageManifest manifest, ImageConfig config) => OciValidation.ValidateImage(manifest, config);

    private static ParsedDocument<T> Parse<T>(ReadOnlySpan<byte> raw, JsonTypeInfo<T> typeInfo, string what)
        where T : class
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(raw, typeInfo);
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Message.Contains(e.Path, StringComparison.Ordinal) ? string.Empty : $" (at {e.Path})";
            throw new OciFormatException($"invalid {what}: {e.Message}{where}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new OciFormatException($"invalid {what}: {e.Message}", e);
        }

        if (value is null)
        {
            throw new OciFormatException($"invalid {what}: the document is null");
        }

        var bytes = raw.ToArray();
        return new ParsedDocument<T>(value, ImmutableCollectionsMarshal.AsImmutableArray(bytes), Digest.Sha256Of(bytes));
    }

    private static ParsedDocument<T> Wrap<T>(T value, byte[] raw)
        where T : class =>
        new(value, ImmutableCollectionsMarshal.AsImmutableArray(raw), Digest.Sha256Of(raw));
}
