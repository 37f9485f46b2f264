using System.Buffers;
using System.Collections;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kiln.Oci;

/// <summary>
/// The bytes Kiln writes for its own documents: the JSON Go's encoding/json.Marshal produces for the same value,
/// which is what BuildKit, containerd and the registry tools write. Properties in declaration order, map keys
/// sorted, omit-empty as the Go struct tags say, no white space, and Go's string escaping (<c>&lt;</c>,
/// <c>&gt;</c>, <c>&amp;</c>, U+2028 and U+2029 as <c>\u003c</c>-style escapes; control characters as short
/// escapes or lower-case <c>\u00xx</c>; everything else raw UTF-8). Equal values give equal bytes, so equal
/// digests.
/// </summary>
public static class CanonicalJson
{
    // Fields whose Go struct tag has no omitempty: written even when empty. Everything else in the OCI types is
    // omitempty, which in Go also drops "", 0, false and empty arrays and maps.
    private static readonly HashSet<(Type, string)> AlwaysWritten =
    [
        (typeof(Descriptor), "mediaType"), (typeof(Descriptor), "digest"), (typeof(Descriptor), "size"),
        (typeof(OciPlatform), "architecture"), (typeof(OciPlatform), "os"),
        (typeof(ImageManifest), "schemaVersion"), (typeof(ImageManifest), "config"), (typeof(ImageManifest), "layers"),
        (typeof(ImageIndex), "schemaVersion"), (typeof(ImageIndex), "manifests"),
        (typeof(ImageConfig), "architecture"), (typeof(ImageConfig), "os"), (typeof(ImageConfig), "config"),
        (typeof(ImageConfig), "rootfs"),
        (typeof(RootFs), "type"), (typeof(RootFs), "diff_ids"),
    ];

    private static readonly JsonSerializerOptions Options = new(OciJsonContext.Default.Options)
    {
        // Escaping is redone in Go's style below; the relaxed encoder only keeps the intermediate text short.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = OciJsonContext.Default.WithAddedModifier(ApplyOmitEmpty),
    };

    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    /// <summary>Serializes one of the OCI document types (those in <see cref="OciJsonContext"/>) canonically.</summary>
    public static byte[] Serialize<T>(T value)
    {
        var typeInfo = (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
        return Canonicalize(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
    }

    /// <summary>
    /// Rewrites any JSON text in Go's compact form and escaping, keeping the property order and the number
    /// literals as they are. For documents Kiln builds with other serializer contexts (archive manifests).
    /// </summary>
    public static byte[] Canonicalize(ReadOnlySpan<byte> json)
    {
        var output = new ArrayBufferWriter<byte>(json.Length + 16);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var needComma = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    WriteSeparator(output, ref needComma);
                    Append(output, reader.TokenType == JsonTokenType.StartObject ? (byte)'{' : (byte)'[');
                    needComma = false;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    Append(output, reader.TokenType == JsonTokenType.EndObject ? (byte)'}' : (byte)']');
                    needComma = true;
                    break;
                case JsonTokenType.PropertyName:
                    WriteSeparator(output, ref needComma);
                    WriteString(output, ref reader);
                    Append(output, (byte)':');
                    needComma = false;
                    break;
                case JsonTokenType.String:
                    WriteSeparator(output, ref needComma);
                    WriteString(output, ref reader);
                    needComma = true;
                    break;
                default:
                    // Numbers, true, false, null: their literal text.
                    WriteSeparator(output, ref needComma);
                    output.Write(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
                    needComma = true;
                    break;
            }
        }

        return output.WrittenSpan.ToArray();
    }

    private static void ApplyOmitEmpty(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            if (!AlwaysWritten.Contains((typeInfo.Type, property.Name)))
            {
                property.ShouldSerialize = static (_, value) => !IsGoEmpty(value);
            }
        }
    }

    private static bool IsGoEmpty(object? value) => value switch
    {
        null => true,
        string s => s.Length == 0,
        bool b => !b,
        int i => i == 0,
        long l => l == 0,
        ReadOnlyMemory<byte> bytes => bytes.IsEmpty,
        ICollection collection => IsEmptyCollection(collection),
        _ => false,
    };

    private static bool IsEmptyCollection(ICollection collection)
    {
        try
        {
            return collection.Count == 0;
        }
        catch (InvalidOperationException)
        {
            // default(ImmutableArray<T>): Go's nil slice.
            return true;
        }
    }

    private static void WriteSeparator(ArrayBufferWriter<byte> output, ref bool needComma)
    {
        if (needComma)
        {
            Append(output, (byte)',');
        }
    }

    private static void Append(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteString(ArrayBufferWriter<byte> output, ref Utf8JsonReader reader)
    {
        var maxLength = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(maxLength, 1));
        try
        {
            var length = reader.CopyString(rented);
            WriteGoString(output, rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // encoding/json's appendString with HTML escaping on (the Marshal default), Go 1.22 and later.
    private static void WriteGoString(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        Append(output, (byte)'"');
        var position = 0;
        while (position < utf8.Length)
        {
            var b = utf8[position];
            if (b < 0x80)
            {
                switch (b)
                {
                    case (byte)'"' or (byte)'\\':
                        Append(output, (byte)'\\');
                        Append(output, b);
                        break;
                    case (byte)'\b':
                        output.Write("\\b"u8);
                        break;
                    case (byte)'\f':
                        output.Write("\\f"u8);
                        break;
                    case (byte)'\n':
                        output.Write("\\n"u8);
                        break;
                    case (byte)'\r':
                        output.Write("\\r"u8);
                        break;
                    case (byte)'\t':
                        output.Write("\\t"u8);
                        break;
                    case < 0x20 or (byte)'<' or (byte)'>' or (byte)'&':
                        output.Write("\\u00"u8);
                        Append(output, Hex[b >> 4]);
                        Append(output, Hex[b & 0xF]);
                        break;
                    default:
                        Append(output, b);
                        break;
                }

                position++;
                continue;
            }

            var status = Rune.DecodeFromUtf8(utf8[position..], out var rune, out var consumed);
            if (status != OperationStatus.Done)
            {
                output.Write("\\ufffd"u8);
            }
            else if (rune.Value is 0x2028 or 0x2029)
            {
                output.Write(rune.Value == 0x2028 ? "\\u2028"u8 : "\\u2029"u8);
            }
            else
            {
                output.Write(utf8.Slice(position, consumed));
            }

            position += consumed;
        }

        Append(output, (byte)'"');
    }
}
