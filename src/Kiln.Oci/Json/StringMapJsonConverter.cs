using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kiln.Oci.Json;

/// <summary>
/// Go's <c>map[string]string</c> (annotations, labels): keys written in Go's sorted order, and a duplicate key in a
/// document we read is refused rather than resolved, so no two readers can see different values.
/// </summary>
internal sealed class StringMapJsonConverter : JsonConverter<ImmutableSortedDictionary<string, string>>
{
    public override ImmutableSortedDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected an object of strings, found {reader.TokenType}");
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            var value = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                // Go leaves a string at "" when it reads null.
                JsonTokenType.Null => string.Empty,
                _ => throw new JsonException($"the value of \"{key}\" must be a string, found {reader.TokenType}"),
            };
            if (!builder.TryAdd(key, value))
            {
                throw new JsonException($"duplicate key \"{key}\"");
            }
        }

        return builder.ToImmutable();
    }

    public override void Write(Utf8JsonWriter writer, ImmutableSortedDictionary<string, string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        var keys = value.Keys.ToArray();
        Array.Sort(keys, GoStringComparer.Instance);
        writer.WriteStartObject();
        foreach (var key in keys)
        {
            writer.WriteString(key, value[key]);
        }

        writer.WriteEndObject();
    }
}
