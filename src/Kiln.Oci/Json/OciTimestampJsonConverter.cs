using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kiln.Oci.Json;

/// <summary>Times travel as RFC 3339 strings; see <see cref="OciTimestamp"/>.</summary>
internal sealed class OciTimestampJsonConverter : JsonConverter<OciTimestamp>
{
    public override OciTimestamp Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"expected an RFC 3339 time string, found {reader.TokenType}");
        }

        var text = reader.GetString();
        return OciTimestamp.TryParse(text, out var value) ? value : throw new JsonException($"invalid RFC 3339 time \"{text}\"");
    }

    public override void Write(Utf8JsonWriter writer, OciTimestamp value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
