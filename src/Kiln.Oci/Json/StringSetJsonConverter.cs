using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kiln.Oci.Json;

/// <summary>
/// Go's <c>map[string]struct{}</c> (ExposedPorts, Volumes): a set written as <c>{"key":{}}</c> in Go's key
/// order. Reading accepts what Go accepts for a <c>struct{}</c> value: any object (its members ignored) or null.
/// </summary>
internal sealed class StringSetJsonConverter : JsonConverter<ImmutableSortedSet<string>>
{
    public override ImmutableSortedSet<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected an object, found {reader.TokenType}");
        }

        var builder = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                reader.Skip();
            }
            else if (reader.TokenType != JsonTokenType.Null)
            {
                throw new JsonException($"the value of \"{key}\" must be an object, found {reader.TokenType}");
            }

            if (!builder.Add(key))
            {
                throw new JsonException($"duplicate key \"{key}\"");
            }
        }

        return builder.ToImmutable();
    }

    public override void Write(Utf8JsonWriter writer, ImmutableSortedSet<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        var keys = value.ToArray();
        Array.Sort(keys, GoStringComparer.Instance);
        writer.WriteStartObject();
        foreach (var key in keys)
        {
            writer.WritePropertyName(key);
            writer.WriteStartObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
