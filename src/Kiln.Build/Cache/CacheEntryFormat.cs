using System.Text.Json;
using Kiln.Oci;

namespace Kiln.Build.Cache;

/// <summary>
/// One cache entry file, written by hand with <see cref="Utf8JsonWriter"/> because the descriptor's converters are
/// internal to Kiln.Oci (a source-generated context here cannot reach them); the descriptor itself goes through
/// <see cref="OciJsonContext"/>. Reading is strict and returns null for anything unexpected: a damaged entry is a
/// cache miss.
/// </summary>
/// <example><code>{"version":1,"key":"sha256:..","layer":{..},"diffId":"sha256:..","created":"2026-01-01T00:00:00Z"}</code></example>
internal static class CacheEntryFormat
{
    public const int Version = 1;

    public static byte[] Write(CacheEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", Version);
            writer.WriteString("key", entry.Key.Value.ToString());
            writer.WritePropertyName("layer");
            JsonSerializer.Serialize(writer, entry.Layer, OciJsonContext.Default.Descriptor);
            writer.WriteString("diffId", entry.DiffId.ToString());
            writer.WriteString("created", entry.Created.ToString());
            if (entry.Snapshot is not null)
            {
                writer.WriteString("snapshot", entry.Snapshot);
            }

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
                !root.TryGetProperty("version", out var version) || !version.TryGetInt32(out var number) || number != Version ||
                !TryDigest(root, "key", out var key) || !TryDigest(root, "diffId", out var diffId) ||
                !root.TryGetProperty("created", out var createdText) || !OciTimestamp.TryParse(createdText.GetString(), out var created) ||
                !root.TryGetProperty("layer", out var layerJson) || layerJson.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var layer = layerJson.Deserialize(OciJsonContext.Default.Descriptor);
            if (layer is null || !MediaTypes.IsLayer(layer.MediaType) || layer.Size < 0)
            {
                return null;
            }

            var snapshot = root.TryGetProperty("snapshot", out var snapshotText) ? snapshotText.GetString() : null;
            return new CacheEntry(new CacheKey(key), layer, diffId, created) { Snapshot = snapshot };
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
