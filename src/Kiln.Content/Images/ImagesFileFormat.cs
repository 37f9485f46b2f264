using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Kiln.Oci;

namespace Kiln.Content.Images;

/// <summary>
/// Reads and writes <c>images.json</c>. Written by hand with <see cref="Utf8JsonWriter"/> because the descriptors
/// use Kiln.Oci's internal converters, which a source-generated context in this assembly cannot reach; the
/// descriptors themselves still go through <see cref="OciJsonContext"/>, so they are validated the same way.
/// </summary>
/// <example>
/// <code>{"version":1,"images":{"docker.io/library/busybox:latest":{"id":"sha256:..","manifest":{..},"index":{..},"tagged":"2025-01-01T00:00:00+00:00"}}}</code>
/// </example>
internal static class ImagesFileFormat
{
    public static byte[] Write(ImagesDocument document)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", document.Version);
            writer.WriteStartObject("images");
            foreach (var (name, entry) in document.Images)
            {
                writer.WriteStartObject(name);
                writer.WriteString("id", entry.Id.ToString());
                writer.WritePropertyName("manifest");
                JsonSerializer.Serialize(writer, entry.Manifest, OciJsonContext.Default.Descriptor);
                if (entry.Index is not null)
                {
                    writer.WritePropertyName("index");
                    JsonSerializer.Serialize(writer, entry.Index, OciJsonContext.Default.Descriptor);
                }

                writer.WriteString("tagged", entry.Tagged.ToString("O", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Parses the file; anything malformed is a <see cref="JsonException"/> naming what is wrong.</summary>
    public static ImagesDocument Read(ReadOnlySpan<byte> bytes)
    {
        using var json = JsonDocument.Parse(bytes.ToArray());
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var version) || !version.TryGetInt32(out var versionNumber))
        {
            throw new JsonException("expected an object with a numeric \"version\"");
        }

        if (versionNumber != ImagesDocument.CurrentVersion)
        {
            return new ImagesDocument(versionNumber, ImagesDocument.Empty.Images);
        }

        var images = ImagesDocument.Empty.Images.ToBuilder();
        if (!root.TryGetProperty("images", out var entries) || entries.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("expected an \"images\" object");
        }

        foreach (var property in entries.EnumerateObject())
        {
            var entry = property.Value;
            var manifest = Descriptor(entry, "manifest", property.Name) ?? throw new JsonException($"{property.Name}: no manifest");
            var index = Descriptor(entry, "index", property.Name);
            var id = entry.TryGetProperty("id", out var idText) && Digest.TryParse(idText.GetString(), out var digest)
                ? digest
                : throw new JsonException($"{property.Name}: a missing or invalid id");
            var tagged = entry.TryGetProperty("tagged", out var taggedText) && taggedText.TryGetDateTimeOffset(out var time)
                ? time
                : throw new JsonException($"{property.Name}: a missing or invalid tagged time");
            if (!images.TryAdd(property.Name, new ImageEntry(manifest, index, id, tagged)))
            {
                throw new JsonException($"{property.Name} appears twice");
            }
        }

        return new ImagesDocument(versionNumber, images.ToImmutable());
    }

    private static Descriptor? Descriptor(JsonElement entry, string property, string name)
    {
        if (!entry.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        try
        {
            return value.Deserialize(OciJsonContext.Default.Descriptor) ?? throw new JsonException($"{name}: {property} is null");
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException($"{name}: {property}: {e.Message}", e);
        }
    }
}
