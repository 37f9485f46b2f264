using System.Text.Json;
using Kiln.Oci;

namespace Kiln.Build.Cache;

/// <summary>
/// One cache entry file, written by hand with <see cref="Utf8JsonWriter"/> because the descriptor's converters are
/// internal to Kiln.Oci (a source-generated context here cannot reach them); the descriptor itself goes through
/// <see cref="OciJsonContext"/>. Reading is strict and returns null for anything unexpected: a damaged entry is a
/// cache miss. Version 1 entries (always a blob, unpacked under the diffID) are still read.
/// </summary>
/// <example><code>{"version":2,"key":"sha256:..","snapshot":"sha256:..","size":123,"created":"2026-01-01T00:00:00Z"}</code>
/// and, once exported, also <c>"layer":{..},"diffId":"sha256:.."</c>.</example>
internal static class CacheEntryFormat
{
    public const int Version = 2;

    public static byte[] Write(CacheEntry entry)
    {
        if ((entry.Layer is null) != (entry.DiffId is null) || (entry.Layer is null && entry.Snapshot is null))
        {
            throw new ArgumentException("a cache entry has a layer blob with its diffID, a snapshot, or both", nameof(entry));
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", Version);
            writer.WriteString("key", entry.Key.Value.ToString());
            if (entry.Snapshot is { } snapshot)
            {
                writer.WriteString("snapshot", snapshot.ToString());
            }

            writer.WriteNumber("size", entry.Size);
            if (entry.Layer is not null)
            {
                writer.WritePropertyName("layer");
                JsonSerializer.Serialize(writer, entry.Layer, OciJsonContext.Default.Descriptor);
                writer.WriteString("diffId", entry.DiffId!.Value.ToString());
            }

            writer.WriteString("created", entry.Created.ToString());
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static CacheEntry? TryRead(byte[] bytes)
    {
        try
        {
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("version", out var version) || !version.TryGetInt32(out var number) || number is not (1 or 2) ||
                !TryDigest(root, "key", out var key) ||
                !root.TryGetProperty("created", out var createdText) || !OciTimestamp.TryParse(createdText.GetString(), out var created))
            {
                return null;
            }

            Digest? snapshot = null;
            long size = 0;
            if (number == 2)
            {
                if (root.TryGetProperty("snapshot", out _))
                {
                    if (!TryDigest(root, "snapshot", out var name))
                    {
                        return null;
                    }

                    snapshot = name;
                }

                if (!root.TryGetProperty("size", out var sizeJson) || !sizeJson.TryGetInt64(out size) || size < 0)
                {
                    return null;
                }
            }

            Descriptor? layer = null;
            Digest? diffId = null;
            if (root.TryGetProperty("layer", out var layerJson) || number == 1)
            {
                if (layerJson.ValueKind != JsonValueKind.Object || !TryDigest(root, "diffId", out var layerDiffId))
                {
                    return null;
                }

                layer = layerJson.Deserialize(OciJsonContext.Default.Descriptor);
                if (layer is null || !MediaTypes.IsLayer(layer.MediaType) || layer.Size < 0)
                {
                    return null;
                }

                diffId = layerDiffId;
                size = layer.Size;
            }
            else if (snapshot is null)
            {
                return null;
            }

            return new CacheEntry(new CacheKey(key), layer, diffId, created) { Snapshot = snapshot, Size = size };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static bool TryDigest(JsonElement root, string name, out Digest digest)
    {
        digest = default;
        return root.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String && Digest.TryParse(text.GetString(), out digest);
    }
}
